//! A `jq` subset for the console's pipes (`docker inspect IMG | jq -r
//! '.[].RootFS'`): paths (`.a.b`, `.["k"]`, `.[0]`, `.[]`, `?`), pipes,
//! `keys`, `length`, `type`; options `-r`, `-c`.

use serde_json::Value;

#[derive(Debug, Clone)]
enum Step {
    Field(String),
    Index(i64),
    Iterate,
}

#[derive(Debug, Clone)]
enum Term {
    Path(Vec<(Step, bool)>),
    Builtin(String),
}

fn compile_error(msg: &str) -> String {
    format!("jq: error: {msg}\njq: 1 compile error\n")
}

fn parse_term(src: &str) -> Result<Term, String> {
    let s = src.trim();
    if matches!(s, "keys" | "length" | "type") {
        return Ok(Term::Builtin(s.to_string()));
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.first() != Some(&'.') {
        return Err(compile_error(&format!("{s}/0 is not defined at <top-level>, line 1:")));
    }
    let mut steps = Vec::new();
    let mut i = 1;
    let optional = |i: &mut usize, chars: &[char]| {
        if chars.get(*i) == Some(&'?') {
            *i += 1;
            true
        } else {
            false
        }
    };
    while i < chars.len() {
        match chars[i] {
            '.' => i += 1,
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').map(|p| p + i).ok_or_else(|| compile_error("syntax error, unexpected end of file"))?;
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                let step = if inner.is_empty() {
                    Step::Iterate
                } else if let Some(key) = inner.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                    Step::Field(key.to_string())
                } else {
                    Step::Index(inner.parse().map_err(|_| compile_error(&format!("syntax error, unexpected {inner}")))?)
                };
                i = close + 1;
                let opt = optional(&mut i, &chars);
                steps.push((step, opt));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                let opt = optional(&mut i, &chars);
                steps.push((Step::Field(name), opt));
            }
            other => return Err(compile_error(&format!("syntax error, unexpected '{other}'"))),
        }
    }
    Ok(Term::Path(steps))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn describe(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    let short: String = s.chars().take(11).collect();
    if s.chars().count() > 11 { format!("{} ({}...)", type_name(v), short) } else { format!("{} ({s})", type_name(v)) }
}

fn apply(term: &Term, input: Value) -> Result<Vec<Value>, String> {
    match term {
        Term::Builtin(name) => Ok(vec![match (name.as_str(), &input) {
            ("keys", Value::Object(m)) => {
                let mut k: Vec<&String> = m.keys().collect();
                crate::sorting::sort(&mut k);
                Value::from(k.into_iter().cloned().collect::<Vec<_>>())
            }
            ("keys", Value::Array(a)) => Value::from((0..a.len()).collect::<Vec<_>>()),
            ("length", Value::Object(m)) => Value::from(m.len()),
            ("length", Value::Array(a)) => Value::from(a.len()),
            ("length", Value::String(s)) => Value::from(s.chars().count()),
            ("length", Value::Null) => Value::from(0),
            ("type", v) => Value::from(type_name(v)),
            (n, v) => return Err(format!("{} has no {n}", describe(v))),
        }]),
        Term::Path(steps) => {
            let mut values = vec![input];
            for (step, optional) in steps {
                let mut next = Vec::new();
                for v in values {
                    let result: Result<Vec<Value>, String> = match (step, &v) {
                        (Step::Field(k), Value::Object(m)) => Ok(vec![m.get(k).cloned().unwrap_or(Value::Null)]),
                        (Step::Field(_), Value::Null) => Ok(vec![Value::Null]),
                        (Step::Field(k), other) => Err(format!("Cannot index {} with \"{k}\"", type_name(other))),
                        (Step::Index(i), Value::Array(a)) => {
                            let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                            Ok(vec![usize::try_from(idx).ok().and_then(|i| a.get(i)).cloned().unwrap_or(Value::Null)])
                        }
                        (Step::Index(_), Value::Null) => Ok(vec![Value::Null]),
                        (Step::Index(_), other) => Err(format!("Cannot index {} with number", type_name(other))),
                        (Step::Iterate, Value::Array(a)) => Ok(a.clone()),
                        (Step::Iterate, Value::Object(m)) => Ok(m.values().cloned().collect()),
                        (Step::Iterate, other) => Err(format!("Cannot iterate over {}", describe(other))),
                    };
                    match result {
                        Ok(vs) => next.extend(vs),
                        Err(_) if *optional => {}
                        Err(e) => return Err(e),
                    }
                }
                values = next;
            }
            Ok(values)
        }
    }
}

/// Runs `jq ARGS` over `input`. Returns (output, exit status) as jq would.
pub fn run(args: &[&str], input: &str) -> (String, i32) {
    let mut raw = false;
    let mut compact = false;
    let mut filter = None;
    for a in args {
        match *a {
            "-r" | "--raw-output" => raw = true,
            "-c" | "--compact-output" => compact = true,
            "-rc" | "-cr" => {
                raw = true;
                compact = true;
            }
            f if f.starts_with('-') && f.len() > 1 => {
                return (format!("jq: Unknown option: {f} (Layer Lab's jq knows -r and -c)\n"), 2);
            }
            f => filter = Some(f),
        }
    }
    let filter = filter.unwrap_or(".");
    let terms: Vec<Term> = match filter.split('|').map(parse_term).collect() {
        Ok(t) => t,
        Err(e) => return (e, 3),
    };
    let mut out = String::new();
    for (n, value) in serde_json::Deserializer::from_str(input).into_iter::<Value>().enumerate() {
        let value = match value {
            Ok(v) => v,
            Err(e) => return (format!("{out}jq: error (at <stdin>:{}): Cannot parse input: {e}\n", n + 1), 2),
        };
        let mut values = vec![value];
        for term in &terms {
            let mut next = Vec::new();
            for v in values {
                match apply(term, v) {
                    Ok(vs) => next.extend(vs),
                    Err(e) => return (format!("{out}jq: error (at <stdin>:{}): {e}\n", input.lines().count()), 5),
                }
            }
            values = next;
        }
        for v in values {
            match (&v, raw) {
                (Value::String(s), true) => out.push_str(s),
                _ if compact => out.push_str(&serde_json::to_string(&v).unwrap_or_default()),
                _ => out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default()),
            }
            out.push('\n');
        }
    }
    (out, 0)
}
