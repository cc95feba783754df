//! `creatorpilot healthcheck`: the probe Docker's HEALTHCHECK runs inside the container, so the
//! image needs no curl. GETs `/healthz` on `HTTP_ADDR` and says in one line what it found.
//! Depends on nothing but reqwest.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// The probe gives up after this long: Docker counts a hung probe as a failure anyway.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Where to reach a server listening on `bind`: a wildcard bind address (`0.0.0.0`, `[::]`)
/// accepts connections on loopback, which is where the probe runs.
pub fn probe_addr(bind: SocketAddr) -> SocketAddr {
    let ip = match bind.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bind.port())
}

/// `Ok(line)` when `/healthz` answered 200, `Err(line)` otherwise; the line says why.
pub async fn check(bind: SocketAddr) -> Result<String, String> {
    let url = format!("http://{}/healthz", probe_addr(bind));
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("unhealthy: no HTTP client ({e})"))?;
    match client.get(&url).send().await {
        Ok(answer) if answer.status().is_success() => Ok(format!("healthy: {url} answered 200")),
        Ok(answer) => Err(format!(
            "unhealthy: {url} answered {} ({})",
            answer.status().as_u16(),
            answer.text().await.unwrap_or_default().trim()
        )),
        Err(e) if e.is_timeout() => Err(format!(
            "unhealthy: {url} did not answer within {} s",
            TIMEOUT.as_secs()
        )),
        Err(_) => Err(format!("unhealthy: nothing answers at {url}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_probed_on_loopback() {
        let probe = |a: &str| probe_addr(a.parse().unwrap()).to_string();
        assert_eq!(probe("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(probe("[::]:8080"), "[::1]:8080");
        assert_eq!(probe("127.0.0.1:9000"), "127.0.0.1:9000");
        assert_eq!(probe("10.1.2.3:80"), "10.1.2.3:80");
    }
}
