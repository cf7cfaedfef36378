//! A small reader for `docker` subcommand flags: `-d`, `--name X`,
//! `--name=X`, bundled short flags (`-it`, `-af`), and the positional words.
//! For `run` and `exec`, flags end at the first positional word (the rest is
//! the container's command).

/// A flag: its short and long names, and whether it takes a value.
pub struct Spec {
    pub short: Option<char>,
    pub long: &'static str,
    pub value: bool,
}

pub const fn flag(short: Option<char>, long: &'static str) -> Spec {
    Spec { short, long, value: false }
}

pub const fn opt(short: Option<char>, long: &'static str) -> Spec {
    Spec { short, long, value: true }
}

/// The flags given (by long name, with their values) and the positional words.
#[derive(Debug, Default)]
pub struct Parsed {
    pub flags: Vec<(&'static str, String)>,
    pub args: Vec<String>,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.flags.iter().any(|(f, _)| *f == long)
    }
    /// The last value of a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(f, _)| *f == long).map(|(_, v)| v.as_str())
    }
    /// Every value of a repeatable flag (`-e A -e B`).
    pub fn values(&self, long: &str) -> Vec<&str> {
        self.flags.iter().filter(|(f, _)| *f == long).map(|(_, v)| v.as_str()).collect()
    }
}

/// Reads `args` against `specs`; errors are in the docker CLI's words.
pub fn parse(args: &[&str], specs: &[Spec], stop_at_positional: bool) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if a == "--" {
            out.args.extend(args[i..].iter().map(|s| s.to_string()));
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let spec = specs.iter().find(|s| s.long == name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            let value = if spec.value {
                match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i - 1).ok_or_else(|| format!("flag needs an argument: --{name}"))?.to_string()
                    }
                }
            } else {
                inline.unwrap_or_else(|| "true".to_string())
            };
            out.flags.push((spec.long, value));
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            for (j, c) in chars.iter().enumerate() {
                let spec = specs.iter().find(|s| s.short == Some(*c)).ok_or_else(|| format!("unknown shorthand flag: '{c}' in {a}"))?;
                if spec.value {
                    let rest: String = chars[j + 1..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.trim_start_matches('=').to_string()
                    } else {
                        i += 1;
                        args.get(i - 1).ok_or_else(|| format!("flag needs an argument: '{c}' in -{c}"))?.to_string()
                    };
                    out.flags.push((spec.long, value));
                    break;
                }
                out.flags.push((spec.long, "true".to_string()));
            }
            continue;
        }
        out.args.push(a.to_string());
        if stop_at_positional {
            out.args.extend(args[i..].iter().map(|s| s.to_string()));
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bundles_values_and_stops_at_the_command() {
        let specs = [flag(Some('d'), "detach"), flag(Some('i'), "interactive"), flag(Some('t'), "tty"), opt(None, "name"), opt(Some('e'), "env")];
        let p = parse(&["-dit", "--name=c1", "-e", "A=1", "-eB=2", "alpine", "sh", "-c", "echo -e"], &specs, true).unwrap(); // ok: a test's fixed, valid input
        assert!(p.has("detach") && p.has("interactive") && p.has("tty"));
        assert_eq!(p.value("name"), Some("c1"));
        assert_eq!(p.values("env"), ["A=1", "B=2"]);
        assert_eq!(p.args, ["alpine", "sh", "-c", "echo -e"]);
        assert_eq!(parse(&["--nope"], &specs, true).err().as_deref(), Some("unknown flag: --nope"));
        assert_eq!(parse(&["--name"], &specs, true).err().as_deref(), Some("flag needs an argument: --name"));
    }
}
