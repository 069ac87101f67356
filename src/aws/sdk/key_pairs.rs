//! `KeyPairsApi` over aws-sdk-ec2, and the conversion of SDK key pairs.

use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types::{KeyFormat, KeyType};
use futures::future::BoxFuture;

use super::{SdkEc2, map_err, s};
use crate::aws::{
    ApiResult, KeyPair, KeyPairsApi, NewKeyPair, clean_key_pair, clean_multiline, public_key_type,
};

fn to_key_pair(k: &aws_sdk_ec2::types::KeyPairInfo) -> KeyPair {
    let mut out = KeyPair {
        id: s(k.key_pair_id()),
        name: s(k.key_name()),
        key_type: s(k.key_type().map(|t| t.as_str())),
        fingerprint: s(k.key_fingerprint()),
        created: k.create_time().map(|t| t.secs()),
        tags: k
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_key_pair(&mut out);
    out
}

impl KeyPairsApi for SdkEc2 {
    fn list_key_pairs(&self) -> BoxFuture<'_, ApiResult<Vec<KeyPair>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_key_pairs()
                .send()
                .await
                .map_err(map_err)?;
            Ok(out.key_pairs().iter().map(to_key_pair).collect())
        })
    }

    fn create_key_pair(
        &self,
        name: String,
        key_type: String,
    ) -> BoxFuture<'_, ApiResult<NewKeyPair>> {
        Box::pin(async move {
            let out = self
                .ec2
                .create_key_pair()
                .key_name(name)
                .key_type(KeyType::from(key_type.as_str()))
                .key_format(KeyFormat::Pem)
                .send()
                .await
                .map_err(map_err)?;
            // CreateKeyPair answers neither the type nor the creation time: the type is the
            // one asked for, the time comes with the next listing
            let mut key = KeyPair {
                id: s(out.key_pair_id()),
                name: s(out.key_name()),
                key_type,
                fingerprint: s(out.key_fingerprint()),
                created: None,
                tags: out
                    .tags()
                    .iter()
                    .map(|t| (s(t.key()), s(t.value())))
                    .collect(),
            };
            clean_key_pair(&mut key);
            Ok(NewKeyPair {
                key,
                material: clean_multiline(out.key_material().unwrap_or_default()),
            })
        })
    }

    fn import_key_pair(
        &self,
        name: String,
        public_key: String,
    ) -> BoxFuture<'_, ApiResult<KeyPair>> {
        Box::pin(async move {
            let key_type = public_key_type(&public_key).to_string();
            let out = self
                .ec2
                .import_key_pair()
                .key_name(name)
                // the SDK base64-encodes the blob itself
                .public_key_material(Blob::new(public_key.into_bytes()))
                .send()
                .await
                .map_err(map_err)?;
            // ImportKeyPair does not say the type either: the public key line does
            let mut key = KeyPair {
                id: s(out.key_pair_id()),
                name: s(out.key_name()),
                key_type,
                fingerprint: s(out.key_fingerprint()),
                created: None,
                tags: out
                    .tags()
                    .iter()
                    .map(|t| (s(t.key()), s(t.value())))
                    .collect(),
            };
            clean_key_pair(&mut key);
            Ok(key)
        })
    }

    fn delete_key_pair(&self, name: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .delete_key_pair()
                .key_name(name)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }
}
