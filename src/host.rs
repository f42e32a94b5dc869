//! This machine's name for metrics: the host name, or the EC2 instance id (dogapi's
//! `use_ec2_instance_id` / `use_ec2_instance_ids`).

use std::time::Duration;

/// `gethostname()`: the short name, as dogapi's `socket.gethostname()`.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: buf is writable for its whole length; gethostname NUL-terminates on success
    // (and we also bound the read by the buffer).
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "localhost".to_string();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Where the instance metadata service lives. `DOG_EC2_METADATA_URL` overrides it (tests).
fn metadata_base() -> String {
    std::env::var("DOG_EC2_METADATA_URL").unwrap_or_else(|_| "http://169.254.169.254".to_string())
}

/// The EC2 instance id, asked with a 250 ms budget (IMDSv2 token first, then IMDSv1), or
/// `None` when this is not EC2.
pub fn ec2_instance_id() -> Option<String> {
    let t = Duration::from_millis(250);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(t))
        .timeout_connect(Some(t))
        .proxy(None)
        .http_status_as_error(true)
        .build()
        .into();
    let base = metadata_base();
    let token = agent
        .put(format!("{base}/latest/api/token"))
        .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
        .send_empty()
        .ok()
        .and_then(|mut r| r.body_mut().read_to_string().ok());
    let mut req = agent.get(format!("{base}/latest/meta-data/instance-id"));
    if let Some(tok) = token.as_deref() {
        req = req.header("X-aws-ec2-metadata-token", tok.trim());
    }
    let id = req.call().ok()?.body_mut().read_to_string().ok()?;
    let id = id.trim();
    let plausible = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plausible.then(|| id.to_string())
}

/// The default host for metrics: the EC2 instance id when asked for and available, else the
/// host name.
pub fn default_host(use_ec2_instance_id: bool) -> String {
    if use_ec2_instance_id {
        if let Some(id) = ec2_instance_id() {
            return id;
        }
    }
    hostname()
}
