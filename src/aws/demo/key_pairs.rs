//! `KeyPairsApi` of the demo region: the key pairs the fleet was launched with; new ones get a
//! fake (well-formed, useless) private key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::future::BoxFuture;

use super::{DEMO_EPOCH, DemoRegion, Lcg, now_epoch};
use crate::aws::{
    ApiError, ApiResult, KeyPair, KeyPairsApi, NewKeyPair, clean_key_pair, public_key_type,
};

/// The seed key pairs: the names the demo instances use (`KEYS`), sorted.
pub(super) fn demo_key_pairs() -> Vec<KeyPair> {
    let key = |n: u32, name: &str, key_type: &str, fingerprint: &str, days_ago: i64| KeyPair {
        id: format!("key-0demo{n:012}"),
        name: name.into(),
        key_type: key_type.into(),
        fingerprint: fingerprint.into(),
        created: Some(DEMO_EPOCH - days_ago * 86_400),
        tags: if name == "deploy" {
            vec![("Purpose".into(), "ci".into())]
        } else {
            vec![]
        },
    };
    vec![
        key(
            3,
            "alice",
            "ed25519",
            "tqVaAIx9IjlHNc2OBdzIgav0Al5yPtJRsFe2xRntpsQ=",
            90,
        ),
        key(
            2,
            "deploy",
            "rsa",
            "1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f",
            400,
        ),
        key(
            1,
            "ops-2024",
            "rsa",
            "d4:9b:1e:0f:73:5c:aa:61:2e:38:c4:47:91:0d:fe:b2:6a:35:88:13",
            700,
        ),
    ]
}

/// Deterministic bytes for a name: the demo's keys and fingerprints are fake but stable.
fn bytes_for(seed: &str, n: usize) -> Vec<u8> {
    // FNV-1a, then the demo's generator
    let h = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut rng = Lcg(h);
    (0..n).map(|_| rng.next() as u8).collect()
}

fn hex_colons(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A PEM block of `body`, wrapped at `width` columns.
fn pem(label: &str, body: &[u8], width: usize) -> String {
    let b64 = STANDARD.encode(body);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(width) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A fake private key with the shape of the real one: PKCS#1 PEM for RSA, OpenSSH for
/// ED25519 (what EC2 hands out for each), and its fingerprint as EC2 writes it.
fn fake_private_key(name: &str, key_type: &str, n: u64) -> (String, String) {
    let seed = format!("{name}/{key_type}/{n}");
    if key_type == "ed25519" {
        let mut body = b"openssh-key-v1\0".to_vec();
        body.extend(bytes_for(&seed, 283));
        let fingerprint = STANDARD.encode(bytes_for(&format!("{seed}/fp"), 32));
        (pem("OPENSSH PRIVATE KEY", &body, 70), fingerprint)
    } else {
        // the DER header of a 2048-bit RSAPrivateKey
        let mut body = vec![
            0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01,
        ];
        body.extend(bytes_for(&seed, 1192 - body.len()));
        let fingerprint = hex_colons(&bytes_for(&format!("{seed}/fp"), 20));
        (pem("RSA PRIVATE KEY", &body, 64), fingerprint)
    }
}

fn duplicate(name: &str) -> ApiError {
    ApiError::service(
        "InvalidKeyPair.Duplicate",
        format!("The keypair '{name}' already exists."),
    )
}

impl KeyPairsApi for DemoRegion {
    fn list_key_pairs(&self) -> BoxFuture<'_, ApiResult<Vec<KeyPair>>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.inner.lock().expect("demo region lock");
            Ok(inner.key_pairs.clone())
        })
    }

    fn create_key_pair(
        &self,
        name: String,
        key_type: String,
    ) -> BoxFuture<'_, ApiResult<NewKeyPair>> {
        Box::pin(async move {
            self.delay().await;
            if name.is_empty() {
                return Err(ApiError::service(
                    "MissingParameter",
                    "The request must contain the parameter KeyName",
                ));
            }
            if !matches!(key_type.as_str(), "rsa" | "ed25519") {
                return Err(ApiError::service(
                    "InvalidParameterValue",
                    format!("Value ({key_type}) for parameter keyType is invalid."),
                ));
            }
            let mut inner = self.inner.lock().expect("demo region lock");
            if inner.key_pairs.iter().any(|k| k.name == name) {
                return Err(duplicate(&name));
            }
            let id = Self::fresh_id(&mut inner, "key");
            let (material, fingerprint) = fake_private_key(&name, &key_type, inner.counter);
            let mut key = KeyPair {
                id,
                name,
                key_type,
                fingerprint,
                created: Some(now_epoch()),
                tags: vec![],
            };
            clean_key_pair(&mut key);
            inner.key_pairs.push(key.clone());
            Ok(NewKeyPair { key, material })
        })
    }

    fn import_key_pair(
        &self,
        name: String,
        public_key: String,
    ) -> BoxFuture<'_, ApiResult<KeyPair>> {
        Box::pin(async move {
            self.delay().await;
            let key_type = public_key_type(&public_key);
            let blob = public_key.split_whitespace().nth(1).unwrap_or_default();
            if key_type.is_empty() || STANDARD.decode(blob).is_err() {
                return Err(ApiError::service(
                    "InvalidKey.Format",
                    "Key is not in valid OpenSSH public key format",
                ));
            }
            let mut inner = self.inner.lock().expect("demo region lock");
            if inner.key_pairs.iter().any(|k| k.name == name) {
                return Err(duplicate(&name));
            }
            // EC2 writes an imported RSA key's fingerprint as an MD5, an ED25519 one as a
            // base64 SHA-256: the demo fakes both shapes from the key itself
            let fingerprint = if key_type == "ed25519" {
                STANDARD.encode(bytes_for(blob, 32))
            } else {
                hex_colons(&bytes_for(blob, 16))
            };
            let mut key = KeyPair {
                id: Self::fresh_id(&mut inner, "key"),
                name,
                key_type: key_type.into(),
                fingerprint,
                created: Some(now_epoch()),
                tags: vec![],
            };
            clean_key_pair(&mut key);
            inner.key_pairs.push(key.clone());
            Ok(key)
        })
    }

    fn delete_key_pair(&self, name: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.inner.lock().expect("demo region lock");
            // EC2 answers success for a key pair that does not exist
            inner.key_pairs.retain(|k| k.name != name);
            Ok(())
        })
    }
}
