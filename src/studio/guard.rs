//! Who may use the studio: requests that carry the token printed with its address, sent to the
//! address it listens on, from its own page. Another user of the machine does not know the
//! token; a web page open in the user's browser cannot read it, and one that makes the browser
//! talk to the studio anyway (a form, an image, a rebound DNS name) sends a foreign `Origin` or
//! `Host`.

use std::net::SocketAddr;

/// The token and the names the studio answers to.
#[derive(Debug, Clone)]
pub struct Access {
    token: String,
    /// `Host` values the studio's own address may be written as (`127.0.0.1:8765`,
    /// `localhost:8765`).
    hosts: Vec<String>,
    /// Listening on every address (`--listen 0.0.0.0:PORT`): any `Host` is the studio's, and
    /// `Origin` must name the same one.
    any_host: bool,
}

/// Why a request is refused, and the status it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No token, or another one: 401.
    Token,
    /// Sent to another name than the studio's (DNS rebinding): 403.
    Host,
    /// Sent by another site's page: 403.
    Origin,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Token => {
                "this studio needs the token from the address it printed (?token=...)"
            }
            Refusal::Host => "refused: the request is addressed to another host than this studio",
            Refusal::Origin => "refused: the request comes from another site's page",
        }
    }
}

impl Access {
    pub fn new(token: String, addr: SocketAddr) -> Access {
        let port = addr.port();
        let mut hosts = vec![format!("{addr}")];
        if addr.ip().is_loopback() {
            hosts.push(format!("localhost:{port}"));
            if addr.is_ipv4() {
                hosts.push(format!("127.0.0.1:{port}"));
            }
        }
        hosts.dedup();
        let any_host = addr.ip().is_unspecified();
        Access {
            token,
            hosts,
            any_host,
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Checks one request's `Host` and `Origin` headers and the token it gave.
    pub fn check(
        &self,
        host: Option<&str>,
        origin: Option<&str>,
        token: Option<&str>,
    ) -> Result<(), Refusal> {
        let known = |h: &str| self.any_host || self.hosts.iter().any(|k| k.eq_ignore_ascii_case(h));
        let Some(host) = host.filter(|h| known(h)) else {
            return Err(Refusal::Host);
        };
        if let Some(origin) = origin {
            let own = origin
                .strip_prefix("http://")
                .map(|h| h.trim_end_matches('/'))
                .is_some_and(|h| h.eq_ignore_ascii_case(host) || (!self.any_host && known(h)));
            if !own {
                return Err(Refusal::Origin);
            }
        }
        match token {
            Some(t) if same(t.as_bytes(), self.token.as_bytes()) => Ok(()),
            _ => Err(Refusal::Token),
        }
    }
}

/// Compares in time that does not depend on where the two first differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// A new random token: 128 bits from the kernel, as hex.
pub fn new_token() -> anyhow::Result<String> {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| anyhow::anyhow!("cannot read /dev/urandom for the studio's token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access() -> Access {
        Access::new("abc123".into(), "127.0.0.1:8765".parse().unwrap())
    }

    #[test]
    fn own_requests_pass() {
        let a = access();
        for host in ["127.0.0.1:8765", "localhost:8765", "LOCALHOST:8765"] {
            assert_eq!(a.check(Some(host), None, Some("abc123")), Ok(()));
        }
        let origin = Some("http://127.0.0.1:8765");
        assert_eq!(
            a.check(Some("127.0.0.1:8765"), origin, Some("abc123")),
            Ok(())
        );
    }

    #[test]
    fn foreign_requests_are_refused() {
        let a = access();
        let host = Some("127.0.0.1:8765");
        assert_eq!(a.check(host, None, None), Err(Refusal::Token));
        assert_eq!(a.check(host, None, Some("abc124")), Err(Refusal::Token));
        assert_eq!(a.check(host, None, Some("abc12")), Err(Refusal::Token));
        assert_eq!(a.check(None, None, Some("abc123")), Err(Refusal::Host));
        for other in [
            "evil.example:8765",
            "127.0.0.1:9999",
            "127.0.0.1",
            "localhost",
        ] {
            assert_eq!(
                a.check(Some(other), None, Some("abc123")),
                Err(Refusal::Host)
            );
        }
        for origin in [
            "http://evil.example",
            "https://127.0.0.1:8765",
            "http://127.0.0.1:9999",
            "null",
        ] {
            assert_eq!(
                a.check(host, Some(origin), Some("abc123")),
                Err(Refusal::Origin),
                "{origin}"
            );
        }
    }

    #[test]
    fn every_address_takes_any_host_but_its_own_origin() {
        let a = Access::new("t".into(), "0.0.0.0:8000".parse().unwrap());
        let host = Some("192.168.1.5:8000");
        assert_eq!(a.check(host, None, Some("t")), Ok(()));
        assert_eq!(
            a.check(host, Some("http://192.168.1.5:8000"), Some("t")),
            Ok(())
        );
        assert_eq!(
            a.check(host, Some("http://evil.example"), Some("t")),
            Err(Refusal::Origin)
        );
        assert_eq!(a.check(host, None, Some("x")), Err(Refusal::Token));
    }

    #[test]
    fn tokens_are_random() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
