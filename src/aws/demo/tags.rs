//! `TagsApi` of the demo region: tags on any of its resources, found by id.

use futures::future::BoxFuture;

use super::{DemoRegion, Inner};
use crate::aws::{ApiError, ApiResult, TagsApi, clean, name_from_tags};

impl DemoRegion {
    /// Runs `f` on the tags of every resource named (all or none: an unknown id refuses the
    /// call, as EC2 does), then refreshes the names that come from a `Name` tag.
    fn retag(&self, ids: &[String], f: impl Fn(&mut Vec<(String, String)>)) -> ApiResult<()> {
        let mut inner = self.lock();
        for id in ids {
            if tags_of(&mut inner, id).is_none() {
                return Err(ApiError::service(
                    "InvalidID",
                    format!("The ID '{id}' is not valid"),
                ));
            }
        }
        for id in ids {
            if let Some(t) = tags_of(&mut inner, id) {
                f(t);
            }
        }
        for d in &mut inner.fleet {
            if ids.contains(&d.inst.id) {
                d.inst.name = name_from_tags(&d.inst.tags);
            }
        }
        for v in &mut inner.volumes {
            if ids.contains(&v.vol.id) {
                v.vol.name = name_from_tags(&v.vol.tags);
            }
        }
        Ok(())
    }
}

fn tags_of<'a>(inner: &'a mut Inner, id: &str) -> Option<&'a mut Vec<(String, String)>> {
    if let Some(&i) = inner.index.get(id) {
        return Some(&mut inner.fleet[i].inst.tags);
    }
    if let Some(v) = inner.volumes.iter_mut().find(|v| v.vol.id == id) {
        return Some(&mut v.vol.tags);
    }
    if let Some(s) = inner.snaps.iter_mut().find(|s| s.snap.id == id) {
        return Some(&mut s.snap.tags);
    }
    if let Some(i) = inner.images.iter_mut().find(|i| i.img.id == id) {
        return Some(&mut i.img.tags);
    }
    if let Some(k) = inner.key_pairs.iter_mut().find(|k| k.id == id) {
        return Some(&mut k.tags);
    }
    inner
        .groups
        .iter_mut()
        .find(|g| g.id == id)
        .map(|g| &mut g.tags)
}

impl TagsApi for DemoRegion {
    fn create_tags(
        &self,
        ids: Vec<String>,
        tags: Vec<(String, String)>,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            self.retag(&ids, |t| {
                for (k, v) in &tags {
                    let (k, v) = (clean(k), clean(v));
                    match t.iter_mut().find(|(x, _)| *x == k) {
                        Some(e) => e.1 = v,
                        None => t.push((k, v)),
                    }
                }
            })
        })
    }

    fn delete_tags(&self, ids: Vec<String>, keys: Vec<String>) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            self.retag(&ids, |t| t.retain(|(k, _)| !keys.contains(k)))
        })
    }
}
