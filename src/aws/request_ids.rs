//! The AWS request ids and attempts of the calls an operation makes.

use std::future::Future;

use super::text::clean;

tokio::task_local! {
    /// The AWS request ids of the calls made inside [`with_request_ids`].
    static REQUEST_IDS: std::cell::RefCell<Vec<String>>;
    /// How many attempts (the first and each retry) were sent inside it.
    static ATTEMPTS: std::cell::Cell<u32>;
}

/// Runs `f`, returning its output and the AWS request ids of the calls it made (the SDK
/// adapter records them; the demo region makes none).
/// Also how many attempts were sent (the SDK retries).
pub async fn with_request_ids<F: Future>(f: F) -> (F::Output, Vec<String>, u32) {
    let inner = async move {
        let out = f.await;
        let ids = REQUEST_IDS.with(|v| v.take());
        let attempts = ATTEMPTS.with(|a| a.get());
        (out, ids, attempts)
    };
    ATTEMPTS
        .scope(
            std::cell::Cell::new(0),
            REQUEST_IDS.scope(std::cell::RefCell::new(Vec::new()), inner),
        )
        .await
}

/// Counts an attempt of the current operation for the enclosing [`with_request_ids`], if
/// any; `new_operation` starts the count again (an op may make several calls: the count is
/// the last one's).
pub fn record_attempt(new_operation: bool) {
    let _ = ATTEMPTS.try_with(|a| a.set(if new_operation { 0 } else { a.get() + 1 }));
}

/// Records a request id for the enclosing [`with_request_ids`], if any.
pub fn record_request_id(id: &str) {
    let _ = REQUEST_IDS.try_with(|v| v.borrow_mut().push(clean(id)));
}
