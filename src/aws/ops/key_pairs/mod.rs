//! Key pair calls: create (its private key written to a file reserved first), import, delete.

use futures::future::BoxFuture;

use crate::aws::*;

mod file;

fn io_error(text: String) -> ApiError {
    ApiError::other(ErrorKind::Other, text)
}

/// `CreateKeyPair`, with its private key written to `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateKeyPair {
    pub name: String,
    pub key_type: String,
    /// Where the private key goes (`~` expanded when it runs).
    pub path: String,
}

impl Mutation for CreateKeyPair {
    fn record(&self) -> Record {
        Record::new("CreateKeyPair", vec![self.name.clone()])
            .param("keyType", &self.key_type)
            .param("privateKeyFile", &self.path)
    }
    fn describe(&self) -> String {
        format!("create key pair {}", self.name)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            let path = crate::config::expand_home(&self.path);
            // the file must be able to take the key before EC2 makes it: it is given once
            let room = file::reserve(&path).map_err(|e| {
                let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
                    "it exists and is never overwritten; choose another file".to_string()
                } else {
                    e.to_string()
                };
                io_error(format!(
                    "cannot write the private key to {}: {why} (nothing was created)",
                    path.display()
                ))
            })?;
            let made = match api
                .create_key_pair(self.name.clone(), self.key_type.clone())
                .await
            {
                Ok(k) => k,
                Err(e) => {
                    drop(room);
                    if e.kind == ErrorKind::Network {
                        // no clear answer: EC2 may have made it, and its key is not here
                        return Err(io_error(format!(
                            "no clear answer from EC2 ({}): key pair {} may have been created without its private key; press Ctrl-r, and delete it if it is listed",
                            e.describe(),
                            self.name
                        )));
                    }
                    return Err(e);
                }
            };
            let Err(e) = room.keep(made.material.as_bytes()) else {
                return Ok(Outcome::Created(path.display().to_string()));
            };
            // EC2 has a key pair whose private key this machine could not keep: a key pair
            // nobody can use. It goes again, and the file with it (`keep` removed it).
            let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
                "a file of that name appeared meanwhile, and it is never overwritten".to_string()
            } else {
                e.to_string()
            };
            let head = format!(
                "key pair {} was created, but its private key could not be saved to {}: {why}",
                self.name,
                path.display()
            );
            Err(io_error(
                match api.delete_key_pair(self.name.clone()).await {
                    Ok(()) => format!(
                        "{head}; the key pair was deleted again: nothing is left (no key pair, no file)"
                    ),
                    Err(d) => format!(
                        "{head}; deleting it again failed ({}): key pair {} still exists without its private key and must be deleted by hand (Ctrl-d here)",
                        d.describe(),
                        self.name
                    ),
                },
            ))
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        // ec2tui writes the private key to `path`: the CLI prints it (`> PATH`)
        vec![argv(&[
            "ec2",
            "create-key-pair",
            "--key-name",
            &self.name,
            "--key-type",
            &self.key_type,
            "--key-format",
            "pem",
            "--query",
            "KeyMaterial",
            "--output",
            "text",
        ])]
    }
}

/// `ImportKeyPair` of the public key in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportKeyPair {
    pub name: String,
    pub path: String,
}

impl Mutation for ImportKeyPair {
    fn record(&self) -> Record {
        Record::new("ImportKeyPair", vec![self.name.clone()]).param("publicKeyFile", &self.path)
    }
    fn describe(&self) -> String {
        format!("import key pair {} from {}", self.name, self.path)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            // the file is read when the call runs, in the shell, not in the core
            let path = crate::config::expand_home(&self.path);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                io_error(format!(
                    "cannot read the public key {}: {e}",
                    path.display()
                ))
            })?;
            let key = text.trim().to_string();
            if public_key_type(&key).is_empty() {
                return Err(io_error(format!(
                    "{} is not an OpenSSH public key (ssh-ed25519 or ssh-rsa …)",
                    path.display()
                )));
            }
            let k = api.import_key_pair(self.name.clone(), key).await?;
            Ok(Outcome::Created(k.name))
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "ec2",
            "import-key-pair",
            "--key-name",
            &self.name,
            "--public-key-material",
            &format!("fileb://{}", self.path),
        ])]
    }
}

/// `DeleteKeyPair`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteKeyPair {
    pub name: String,
}

impl Mutation for DeleteKeyPair {
    fn record(&self) -> Record {
        Record::new("DeleteKeyPair", vec![self.name.clone()])
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        format!("delete key pair {}", self.name)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.delete_key_pair(self.name.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&["ec2", "delete-key-pair", "--key-name", &self.name])]
    }
}
