//! The subset of Go's text/template that `docker inspect --format` users
//! write: `{{.Field.Sub}}`, `{{json .X}}`, `{{range .X}}…{{end}}`,
//! `{{println .}}`, `{{join .X ","}}`, `{{index .X "k"}}`, `{{len .X}}`,
//! `{{upper .X}}`, `{{lower .X}}`, `{{if .X}}…{{else}}…{{end}}`.

use serde_json::Value;

#[derive(Debug, Clone)]
enum Arg {
    Dot(Vec<String>),
    Str(String),
    /// A bare word: a function name.
    Ident(String),
}

#[derive(Debug, Clone)]
struct Call {
    func: Option<String>,
    args: Vec<Arg>,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Call),
    Range(Call, Vec<Node>),
    If(Call, Vec<Node>, Vec<Node>),
}

const FUNCS: [&str; 8] = ["json", "print", "println", "join", "index", "len", "upper", "lower"];

fn perr(msg: String) -> String {
    format!("template parsing error: template: :1: {msg}")
}

fn tokens(src: &str) -> Result<Vec<(bool, String)>, String> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push((false, rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| perr("unclosed action".to_string()))?;
        out.push((true, after[..end].trim().trim_start_matches('-').trim_end_matches('-').trim().to_string()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string()));
    }
    Ok(out)
}

fn parse_call(text: &str) -> Result<Call, String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(o) => s.push(o),
                        None => return Err(perr("unterminated quoted string".to_string())),
                    },
                    Some(o) => s.push(o),
                    None => return Err(perr("unterminated quoted string".to_string())),
                }
            }
            words.push(Arg::Str(s));
        } else {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                w.push(c);
                chars.next();
            }
            if let Some(path) = w.strip_prefix('.') {
                words.push(Arg::Dot(path.split('.').filter(|p| !p.is_empty()).map(str::to_string).collect()));
            } else {
                words.push(Arg::Ident(w));
            }
        }
    }
    let mut args = words.into_iter();
    let first = args.next().ok_or_else(|| perr("missing value for command".to_string()))?;
    match first {
        Arg::Ident(name) => {
            if !FUNCS.contains(&name.as_str()) {
                return Err(perr(format!("function \"{name}\" not defined")));
            }
            let args: Vec<Arg> = args.collect();
            if let Some(Arg::Ident(bad)) = args.iter().find(|a| matches!(a, Arg::Ident(_))) {
                return Err(perr(format!("function \"{bad}\" not defined")));
            }
            Ok(Call { func: Some(name), args })
        }
        arg => {
            if args.next().is_some() {
                return Err(perr("can't give argument to non-function".to_string()));
            }
            Ok(Call { func: None, args: vec![arg] })
        }
    }
}

fn parse_nodes(toks: &[(bool, String)], pos: &mut usize, stop: &[&str]) -> Result<(Vec<Node>, String), String> {
    let mut nodes = Vec::new();
    while *pos < toks.len() {
        let (action, text) = &toks[*pos];
        *pos += 1;
        if !action {
            nodes.push(Node::Text(text.clone()));
            continue;
        }
        let word = text.split_whitespace().next().unwrap_or("");
        if stop.contains(&word) {
            return Ok((nodes, word.to_string()));
        }
        match word {
            "range" => {
                let call = parse_call(text["range".len()..].trim())?;
                let (body, end) = parse_nodes(toks, pos, &["end"])?;
                if end != "end" {
                    return Err(perr("unexpected EOF".to_string()));
                }
                nodes.push(Node::Range(call, body));
            }
            "if" => {
                let call = parse_call(text["if".len()..].trim())?;
                let (then, end) = parse_nodes(toks, pos, &["end", "else"])?;
                let otherwise = match end.as_str() {
                    "else" => parse_nodes(toks, pos, &["end"])?.0,
                    "end" => Vec::new(),
                    _ => return Err(perr("unexpected EOF".to_string())),
                };
                nodes.push(Node::If(call, then, otherwise));
            }
            "end" | "else" => return Err(perr(format!("unexpected {{{{{word}}}}}"))),
            _ => nodes.push(Node::Action(parse_call(text)?)),
        }
    }
    Ok((nodes, String::new()))
}

/// A parsed template (and its text, for the column of an error).
#[derive(Debug)]
pub struct Template(Vec<Node>, String);

impl Template {
    pub fn parse(src: &str) -> Result<Template, String> {
        let toks = tokens(src)?;
        let mut pos = 0;
        let (nodes, stop) = parse_nodes(&toks, &mut pos, &[])?;
        if !stop.is_empty() {
            return Err(perr(format!("unexpected {{{{{stop}}}}}")));
        }
        Ok(Template(nodes, src.to_string()))
    }

    /// Executes against `data` standing for a Go struct of type `go_type`
    /// (`docker ps`'s `*formatter.ContainerContext`): a field it lacks is an
    /// error, as Go's templates give, instead of a map's `<no value>`.
    pub fn execute_struct(&self, data: &Value, go_type: &str) -> Result<String, String> {
        fn first_unknown<'a>(nodes: &'a [Node], data: &Value) -> Option<&'a str> {
            let unknown = |call: &'a Call| {
                call.args.iter().find_map(|a| match a {
                    Arg::Dot(path) => path.first().filter(|f| data.get(f.as_str()).is_none()).map(String::as_str),
                    _ => None,
                })
            };
            nodes.iter().find_map(|n| match n {
                Node::Text(_) => None,
                Node::Action(call) => unknown(call),
                // Inside a range the dot is an element: not checked here.
                Node::Range(call, _) => unknown(call),
                Node::If(call, yes, no) => unknown(call).or_else(|| first_unknown(yes, data)).or_else(|| first_unknown(no, data)),
            })
        }
        if let Some(field) = first_unknown(&self.0, data) {
            let column = self.1.find(&format!(".{field}")).unwrap_or(0);
            return Err(format!("template: :1:{column}: executing \"\" at <.{field}>: can't evaluate field {field} in type {go_type}"));
        }
        self.execute(data)
    }

    /// Executes against `data`.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        self.execute_typed(data, &[])
    }

    /// Executes against `data` standing for a Go struct whose fields at
    /// `zeros`' paths (`Config.Entrypoint`, `*` for any key) print as their
    /// type's zero value when the JSON has null or nothing there: a nil
    /// slice `[]`, a nil map `map[]`, a nil pointer `<nil>`, a string ``.
    pub fn execute_typed(&self, data: &Value, zeros: &[(&str, &str)]) -> Result<String, String> {
        let mut out = String::new();
        run(&self.0, data, &mut out, zeros)?;
        Ok(out)
    }
}

/// What the field at `path` (from the top of the data) prints as when the
/// JSON has null there, or `{}` where the zero is Go's empty struct (the
/// values of `Config.ExposedPorts`).
fn zero_at<'a>(zeros: &[(&str, &'a str)], path: &[String], v: &Value) -> Option<&'a str> {
    let fits = |pattern: &str| pattern.split('.').count() == path.len() && pattern.split('.').zip(path).all(|(p, f)| p == "*" || p == f);
    let (_, z) = zeros.iter().find(|(pattern, _)| fits(pattern))?;
    (v.is_null() || *z == "{}" && v.as_object().is_some_and(serde_json::Map::is_empty)).then_some(*z)
}

/// Go's `%v` of an argument, with its typed fields' zero values (see [`zero_at`]).
fn shown(arg: &Arg, v: &Value, zeros: &[(&str, &str)]) -> String {
    match arg {
        Arg::Dot(path) => go_typed(v, &mut path.clone(), zeros),
        _ => go_value(v),
    }
}

/// The zero value of the field an argument names, where the JSON has null.
fn zero<'a>(zeros: &[(&str, &'a str)], arg: &Arg) -> Option<&'a str> {
    match arg {
        Arg::Dot(path) => zero_at(zeros, path, &Value::Null),
        _ => None,
    }
}

fn lookup(data: &Value, path: &[String]) -> Result<Value, String> {
    let mut cur = data.clone();
    for (i, field) in path.iter().enumerate() {
        cur = match &cur {
            Value::Object(m) => m.get(field).cloned().unwrap_or(Value::Null),
            Value::Null if i > 0 => return Ok(Value::Null),
            _ => return Err(format!("template: :1: can't evaluate field {field} in type {}", go_type(&cur))),
        };
    }
    Ok(cur)
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "map[string]interface {}",
        Value::Array(_) => "[]interface {}",
        Value::String(_) => "string",
        Value::Number(_) => "float64",
        Value::Bool(_) => "bool",
        Value::Null => "interface {}",
    }
}

/// Go's `%v` of a JSON value.
pub fn go_value(v: &Value) -> String {
    go_typed(v, &mut Vec::new(), &[])
}

/// Go's `%v` of the value at `path`, with its typed fields' zero values (see [`zero_at`]).
fn go_typed(v: &Value, path: &mut Vec<String>, zeros: &[(&str, &str)]) -> String {
    if let Some(z) = zero_at(zeros, path, v) {
        return z.to_string();
    }
    match v {
        Value::Null => "<no value>".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sorting::sort(&mut keys);
            let mut items = Vec::new();
            for k in keys {
                path.push(k.clone());
                items.push(format!("{k}:{}", go_typed(&m[k], path, zeros)));
                path.pop();
            }
            format!("map[{}]", items.join(" "))
        }
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
    }
}

fn arg_value(arg: &Arg, dot: &Value) -> Result<Value, String> {
    match arg {
        Arg::Dot(path) => lookup(dot, path),
        Arg::Str(s) => Ok(Value::String(s.clone())),
        Arg::Ident(name) => Err(perr(format!("function \"{name}\" not defined"))),
    }
}

fn eval(call: &Call, dot: &Value, zeros: &[(&str, &str)]) -> Result<Value, String> {
    let args: Vec<Value> = call.args.iter().map(|a| arg_value(a, dot)).collect::<Result<_, _>>()?;
    let Some(func) = &call.func else {
        return Ok(args.into_iter().next().unwrap_or(Value::Null));
    };
    let one = || args.first().cloned().unwrap_or(Value::Null);
    Ok(match func.as_str() {
        // A nil slice or map is JSON's null, an empty string is "".
        "json" if args.first() == Some(&Value::Null) && call.args.first().and_then(|a| zero(zeros, a)) == Some("") => Value::String("\"\"".to_string()),
        "json" => Value::String(crate::json::compact(&one())),
        "print" | "println" => {
            let line = call.args.iter().zip(&args).map(|(a, v)| shown(a, v, zeros)).collect::<Vec<_>>().join(" ");
            Value::String(if func == "println" { format!("{line}\n") } else { line })
        }
        "join" => {
            let sep = args.get(1).map(go_value).unwrap_or_default();
            match one() {
                Value::Array(a) => Value::String(a.iter().map(go_value).collect::<Vec<_>>().join(&sep)),
                other => Value::String(go_value(&other)),
            }
        }
        "len" => match one() {
            Value::Array(a) => Value::from(a.len()),
            Value::Object(m) => Value::from(m.len()),
            Value::String(s) => Value::from(s.len()),
            Value::Null if call.args.first().and_then(|a| zero(zeros, a)).is_some() => Value::from(0),
            other => return Err(format!("template: :1: error calling len: len of type {}", go_type(&other))),
        },
        "index" => {
            let mut cur = one();
            for key in args.iter().skip(1) {
                cur = match (&cur, key) {
                    (Value::Object(m), Value::String(k)) => m.get(k).cloned().unwrap_or(Value::Null),
                    (Value::Array(a), Value::String(k)) => {
                        let i: usize = k.parse().map_err(|_| format!("template: :1: error calling index: cannot index slice/array with {k:?}"))?;
                        a.get(i).cloned().ok_or_else(|| format!("template: :1: error calling index: index out of range: {i}"))?
                    }
                    _ => Value::Null,
                };
            }
            cur
        }
        "upper" => Value::String(go_value(&one()).to_uppercase()),
        "lower" => Value::String(go_value(&one()).to_lowercase()),
        other => return Err(perr(format!("function \"{other}\" not defined"))),
    })
}

fn run(nodes: &[Node], dot: &Value, out: &mut String, zeros: &[(&str, &str)]) -> Result<(), String> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Action(call) => {
                let v = eval(call, dot, zeros)?;
                out.push_str(&match (&call.func, call.args.as_slice()) {
                    (None, [arg]) => shown(arg, &v, zeros),
                    _ => go_value(&v),
                });
            }
            // Inside a range the dot is an element: the paths of `zeros` start at the top.
            Node::Range(call, body) => match eval(call, dot, zeros)? {
                Value::Array(items) => {
                    for item in &items {
                        run(body, item, out, &[])?;
                    }
                }
                Value::Object(m) => {
                    let mut keys: Vec<&String> = m.keys().collect();
                    crate::sorting::sort(&mut keys);
                    for k in keys {
                        run(body, &m[k], out, &[])?;
                    }
                }
                Value::Null => {}
                other => return Err(format!("template: :1: range can't iterate over {}", go_value(&other))),
            },
            Node::If(call, then, otherwise) => {
                if truthy(&eval(call, dot, zeros)?) {
                    run(then, dot, out, zeros)?;
                } else {
                    run(otherwise, dot, out, zeros)?;
                }
            }
        }
    }
    Ok(())
}

/// Docker's `--format` on a list command (`ps`, `images`, `history`).
pub enum ListFormat {
    /// `table` alone: the command's own table.
    Default,
    /// `table TEMPLATE`: a table whose headers Docker names after the fields.
    Table(Template),
    /// `json`: each row as one line of JSON.
    Json,
    /// A template run on each row.
    Rows(Template),
}

impl ListFormat {
    /// Reads a `--format` value; `\t` and `\n` as typed become a tab and a
    /// line break, as Docker's formatter replaces them.
    pub fn parse(src: &str) -> Result<ListFormat, String> {
        let src = src.replace("\\t", "\t").replace("\\n", "\n");
        if src == "json" {
            return Ok(ListFormat::Json);
        }
        match src.strip_prefix("table") {
            Some(rest) if rest.trim().is_empty() => Ok(ListFormat::Default),
            Some(rest) if rest.starts_with([' ', '\t']) => Ok(ListFormat::Table(Template::parse(rest.trim_start_matches(' '))?)),
            _ => Ok(ListFormat::Rows(Template::parse(&src)?)),
        }
    }

    /// The rows (each a Go struct of type `go_type`) as this format prints
    /// them; None for [`ListFormat::Default`]. `headers` names the columns
    /// of a table (`ID` is `CONTAINER ID` in `docker ps`).
    pub fn render(&self, rows: &[Value], go_type: &str, headers: &[(&str, &str)]) -> Option<Result<String, String>> {
        let mut text = String::new();
        let fail = |text: &str, e: String| Some(Err(format!("{text}{e}")));
        match self {
            ListFormat::Default => return None,
            // Docker marshals a map: the keys come sorted.
            ListFormat::Json => rows.iter().for_each(|r| {
                let sorted: std::collections::BTreeMap<&String, &Value> = r.as_object().map(|o| o.iter().collect()).unwrap_or_default();
                text.push_str(&format!("{}\n", crate::json::compact(&sorted)));
            }),
            ListFormat::Rows(t) => {
                for r in rows {
                    match t.execute_struct(r, go_type) {
                        Ok(line) => text.push_str(&format!("{line}\n")),
                        Err(e) => return fail(&text, e),
                    }
                }
            }
            ListFormat::Table(t) => {
                // Each field's header: Docker's name for it, else the field in capitals.
                let fields = rows.first().and_then(Value::as_object).map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
                let header = |f: &str| headers.iter().find(|(k, _)| *k == f).map_or_else(|| f.to_uppercase(), |(_, h)| h.to_string());
                let names: serde_json::Map<String, Value> = headers.iter().map(|(f, _)| f.to_string()).chain(fields).map(|f| (f.clone(), Value::String(header(&f)))).collect();
                let mut lines = match t.execute_struct(&Value::Object(names), go_type) {
                    Ok(header) => vec![header],
                    Err(e) => return fail("", e),
                };
                for r in rows {
                    match t.execute_struct(r, go_type) {
                        Ok(line) => lines.push(line),
                        Err(e) => return fail("", e),
                    }
                }
                let cells: Vec<Vec<String>> = lines.iter().flat_map(|l| l.split('\n')).map(|l| l.split('\t').map(str::to_string).collect()).collect();
                text = crate::listing::table(&cells);
            }
        }
        Some(Ok(text))
    }
}
