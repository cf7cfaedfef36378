//! The console: one command line in, its output text, exit status and
//! events out. Both the page's terminal and `layerlab run` go through
//! [`Engine::run`], so they behave the same.

use crate::build::{self, BuildOptions};
use crate::host::Host;
use crate::image;
use crate::{Engine, Event};
use std::fmt::Write as _;

/// What one command produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub text: String,
    /// 0 on success, as a shell would report it.
    pub status: i32,
    pub events: Vec<Event>,
}

impl Output {
    fn ok(text: String) -> Output {
        Output { text, status: 0, events: Vec::new() }
    }
    fn fail(text: String, status: i32) -> Output {
        Output { text, status, events: Vec::new() }
    }
}

/// Docker's commands that this version of Layer Lab does not run yet: they
/// get an honest message rather than "not a docker command".
const LATER: &[&str] = &[
    "attach", "buildx", "checkpoint", "compose", "config", "container", "context", "events", "login", "logout", "manifest", "node", "plugin",
    "push", "search", "secret", "service", "stack", "stats", "swarm", "trust", "update",
];

/// What the terminal runs after a pipe besides jq and `xargs docker`: the
/// shell's text utilities, over the previous command's output.
const HOST_FILTERS: [&str; 12] = ["grep", "egrep", "fgrep", "wc", "head", "tail", "sort", "uniq", "cut", "tr", "sed", "cat"];

/// `xargs [-r] docker …` after a pipe: whether `-r` (run nothing on no
/// input) was given, and the docker command's words.
fn xargs_docker(command: &[String]) -> Option<(bool, &[String])> {
    let flags = command.get(1..)?.iter().take_while(|w| w.starts_with('-')).count();
    let docker = command.get(1 + flags..).filter(|rest| rest.first().is_some_and(|w| w == "docker"))?;
    Some((command[1..1 + flags].iter().any(|f| f == "-r" || f == "--no-run-if-empty"), docker))
}

/// The terminal's variables as `$NAME` reads them (see [`expand_words`]).
type Vars<'a> = Option<&'a dyn Fn(&str) -> Option<String>>;

/// Splits `line` at the operators in `ops` (the first that matches, so
/// longer ones first) that stand outside quotes, backticks and `$(…)`:
/// each piece with the operator after it ("" after the last).
fn split_at_operators(line: &str, ops: &[&'static str]) -> Vec<(String, &'static str)> {
    let (mut pieces, mut current, mut quote, mut depth) = (Vec::new(), String::new(), None::<char>, 0usize);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(op) = ops.iter().find(|op| quote.is_none() && depth == 0 && rest.starts_with(**op)) {
            pieces.push((std::mem::take(&mut current), *op));
            rest = &rest[op.len()..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
        current.push(c);
        match (c, quote) {
            ('\\', q) if q != Some('\'') => {
                if let Some(n) = rest.chars().next() {
                    current.push(n);
                    rest = &rest[n.len_utf8()..];
                }
            }
            ('\'' | '"' | '`', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('$', None | Some('"')) if rest.starts_with('(') => depth += 1,
            (')', None | Some('"')) if depth > 0 => depth -= 1,
            _ => {}
        }
    }
    pieces.push((current, ""));
    pieces
}

/// Splits a command line at unquoted `|` into the commands of a pipeline,
/// each into its words (with `vars`, expanded).
pub fn split_pipeline(line: &str, vars: Vars<'_>) -> Result<Vec<Vec<String>>, String> {
    let commands: Vec<Vec<String>> = split_at_operators(line, &["|"]).iter().map(|(p, _)| expand_words(p, vars)).collect::<Result<_, _>>()?;
    if commands.len() > 1 && commands.iter().any(Vec::is_empty) {
        return Err("syntax error: unexpected \"|\"".to_string());
    }
    Ok(commands)
}

/// Splits a line at the `;`, `&&` and `||` outside quotes and command
/// substitutions: each command with the operator after it. None when there
/// is no such operator; the operator that has no command before it is the error.
fn split_and_or(line: &str) -> Result<Option<Vec<(String, &'static str)>>, String> {
    let mut list = split_at_operators(line, &["&&", "||", ";"]);
    if list.len() == 1 {
        return Ok(None);
    }
    if let Some((_, op)) = list.iter().find(|(command, op)| !op.is_empty() && command.trim().is_empty()) {
        return Err(format!("unexpected \"{op}\""));
    }
    // `cmd ;` ends the list; `cmd &&` waits for more, which a terminal line cannot give.
    if list.last().is_some_and(|(command, _)| command.trim().is_empty()) {
        list.pop();
        if list.last().is_some_and(|(_, op)| *op != ";") {
            return Err("unexpected end of file".to_string());
        }
    }
    Ok(Some(list))
}

/// Splits a command line into words: whitespace separates, single and
/// double quotes group, a backslash escapes the next character.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    expand_words(line, None)
}

/// A `$NAME`, `${NAME}` or `$?` after the `$` just read: the name, or None
/// (the `$` stays as it is).
fn parameter(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    match chars.peek().copied()? {
        '?' => {
            chars.next();
            Some("?".to_string())
        }
        '{' => {
            chars.next();
            let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
            Some(name)
        }
        c if c.is_ascii_alphabetic() || c == '_' => {
            let mut name = String::new();
            while let Some(c) = chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_') {
                name.push(c);
            }
            Some(name)
        }
        _ => None,
    }
}

/// [`split_words`], and with `vars`, `$NAME`, `${NAME}` and `$?` outside
/// single quotes take their values as sh expands them: an unset one is
/// empty, and unquoted, a value is split at its spaces.
fn expand_words(line: &str, vars: Vars<'_>) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let value = match (c, vars) {
            ('$', Some(vars)) => parameter(&mut chars).map(|name| vars(&name).unwrap_or_default()),
            _ => None,
        };
        if let Some(value) = value {
            for v in value.chars() {
                if v.is_whitespace() {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                } else {
                    in_word = true;
                    word.push(v);
                }
            }
            continue;
        }
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unexpected end of line: missing closing '".to_string()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('$') if vars.is_some() => match (parameter(&mut chars), vars) {
                            (Some(name), Some(vars)) => word.push_str(&vars(&name).unwrap_or_default()),
                            _ => word.push('$'),
                        },
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("unexpected end of line: missing closing \"".to_string()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("unexpected end of line: missing closing \"".to_string()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

impl Engine {
    /// Runs one console line. Never panics on input; a failed command
    /// leaves the engine as it was.
    pub fn run(&mut self, line: &str, host: &mut dyn Host) -> Output {
        self.now = host.now();
        // Bind mounts: the host's files are read before the line, what it changed written back after.
        self.load_binds(host);
        let mut output = self.run_unsynced(line, host);
        self.store_binds(host, &mut output);
        for note in self.notes.drain(..) {
            output.text.push_str(&note);
        }
        self.status = output.status;
        output
    }

    fn run_unsynced(&mut self, line: &str, host: &mut dyn Host) -> Output {
        // Inside `docker exec -it … sh` (or mysql), lines go to the container.
        if self.session.is_some() {
            return self.session_line(line, host);
        }
        // `docker stop web && docker rm web`, `…; …`, `… || …`: each command in turn, as sh runs them.
        match split_and_or(line) {
            Ok(None) => {}
            Ok(Some(list)) => {
                let mut output = Output::default();
                for (i, (command, _)) in list.iter().enumerate() {
                    let runs = i == 0 || match list[i - 1].1 {
                        "&&" => output.status == 0,
                        "||" => output.status != 0,
                        _ => true,
                    };
                    if runs {
                        let mut out = self.run(command, host);
                        output.text.push_str(&out.text);
                        output.events.append(&mut out.events);
                        output.status = out.status;
                    }
                }
                return output;
            }
            Err(e) => return Output::fail(format!("sh: syntax error: {e}\n"), 2),
        }
        // `$(docker ps -aq)`: the inner commands run first, their output takes their place.
        // What failing inner commands printed, and what all of them did.
        let (mut printed, mut events) = (String::new(), Vec::new());
        let substituted;
        let line = if line.contains("$(") || line.contains('`') {
            let mut run = |inner: crate::subst::Inner| {
                let cmd = match inner {
                    crate::subst::Inner::Command(cmd) => cmd,
                    // This terminal keeps no variables: names in it are 0.
                    crate::subst::Inner::Arithmetic(expr) => return crate::arith::eval(expr, &mut std::collections::BTreeMap::new()).map(|v| v.to_string()),
                };
                let out = self.run(cmd, host);
                events.extend(out.events);
                // What a failing command prints goes to the terminal, not into the line.
                Ok(if out.status == 0 {
                    out.text
                } else {
                    printed.push_str(&out.text);
                    String::new()
                })
            };
            match crate::subst::substitute(line, crate::subst::Split::Blanks, &mut run) {
                Ok(l) => {
                    substituted = l;
                    substituted.as_str()
                }
                Err(e) => return Output::fail(format!("{printed}sh: {e}\n"), 2),
            }
        } else {
            line
        };
        let mut output = self.run_line(line, host);
        output.text.insert_str(0, &printed);
        events.append(&mut output.events);
        output.events = events;
        output
    }

    /// [`Engine::run`] once command substitutions are done.
    fn run_line(&mut self, line: &str, host: &mut dyn Host) -> Output {
        // `$?` is the last command's status; what `export` set; HOME and PWD
        // the terminal's folder, and a Linux host's PATH (`-e PATH=$PATH`).
        let (status, cwd, env) = (self.status, host.cwd(), self.env.clone());
        let vars = move |name: &str| match name {
            "?" => Some(status.to_string()),
            _ if env.contains_key(name) => env.get(name).cloned(),
            "HOME" | "PWD" => Some(cwd.clone()),
            "PATH" => Some("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()),
            _ => None,
        };
        let mut commands = match split_pipeline(line, Some(&vars)) {
            Ok(c) => c,
            Err(e) => return Output::fail(format!("sh: syntax error: {e}\n"), 2),
        };
        let first = commands.remove(0);
        // `2>&1` before a pipe: docker's messages are in its output here already.
        let first: Vec<String> = first.into_iter().filter(|w| w != "2>&1").collect();
        let mut output = self.run_words(&first, host);
        // A pipeline: each later command reads the previous one's output.
        for command in commands {
            // `docker ps -aq | xargs docker rm`: the words read become the command's arguments.
            if let Some((skip_empty, docker)) = command.first().filter(|w| *w == "xargs").and_then(|_| xargs_docker(&command)) {
                let input: Vec<String> = output.text.split_whitespace().map(str::to_string).collect();
                let mut events = std::mem::take(&mut output.events);
                output = if input.is_empty() && skip_empty {
                    Output::default()
                } else {
                    self.run_words(&[docker, &input].concat(), host)
                };
                events.append(&mut output.events);
                output.events = events;
                continue;
            }
            match command.first().map(String::as_str) {
                Some("jq") => {
                    let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
                    let (text, status) = crate::jq::run(&args, &output.text);
                    output.text = text;
                    output.status = status;
                }
                Some("awk") => {
                    return Output::fail("sh: awk: not simulated in this version of Layer Lab (grep, cut and sed are)\n".to_string(), 127);
                }
                Some(program) if HOST_FILTERS.contains(&program) => {
                    let (status, text) = crate::shell::filter(&command, &output.text);
                    output.text = text;
                    output.status = status;
                }
                Some(other) => {
                    return Output::fail(format!("sh: {other}: not found (after a pipe, this terminal runs jq, xargs docker and the text filters: {})\n", HOST_FILTERS.join(", ")), 127);
                }
                None => {}
            }
        }
        output
    }

    pub(crate) fn run_words(&mut self, words: &[String], host: &mut dyn Host) -> Output {
        // Leading NAME=value words set variables for this command only, as a shell does.
        let assignments = words.iter().take_while(|w| crate::shell::is_assignment(w)).count();
        let (assigned, words) = words.split_at(assignments);
        if !assigned.is_empty() {
            let saved = self.env.clone();
            for a in assigned {
                if let Some((k, v)) = a.split_once('=') {
                    self.env.insert(k.to_string(), v.to_string());
                }
            }
            if words.is_empty() {
                // `A=1` alone sets a shell variable; only `export` passes it to docker.
                self.env = saved;
                return Output::ok(String::new());
            }
            let out = self.run_words(words, host);
            self.env = saved;
            return out;
        }
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        match args.as_slice() {
            [] => Output::ok(String::new()),
            ["export", rest @ ..] => {
                for a in rest {
                    match a.split_once('=') {
                        Some((k, v)) if crate::shell::is_assignment(a) => {
                            self.env.insert(k.to_string(), v.to_string());
                        }
                        _ => return Output::fail(format!("sh: export: {a}: bad variable name (use export NAME=value)\n"), 2),
                    }
                }
                if rest.is_empty() {
                    let text = self.env.iter().map(|(k, v)| format!("export {k}='{v}'\n")).collect();
                    return Output::ok(text);
                }
                Output::ok(String::new())
            }
            ["unset", rest @ ..] => {
                for a in rest {
                    self.env.remove(*a);
                }
                Output::ok(String::new())
            }
            ["docker"] | ["docker", "--help" | "help"] => Output::ok(help()),
            ["docker", "--version" | "-v"] => Output::ok("Docker version 28.5.1, build e180ab8 (simulated by Layer Lab)\n".to_string()),
            ["docker", "version", ..] => Output::ok(
                "Client:\n Version:           28.5.1 (simulated by Layer Lab)\n API version:       1.51\n OS/Arch:           linux/amd64\n Context:           default\n\nServer:\n Engine:\n  Version:          28.5.1 (simulated by Layer Lab)\n  API version:      1.51 (minimum version 1.24)\n  OS/Arch:          linux/amd64\n  Experimental:     false\n".to_string(),
            ),
            ["docker", "port", rest @ ..] | ["docker", "container", "port", rest @ ..] => self.cmd_port(rest),
            ["docker", "wait", rest @ ..] | ["docker", "container", "wait", rest @ ..] => self.cmd_wait(rest),
            ["docker", "system", "prune", rest @ ..] => self.cmd_system_prune(rest),
            ["docker", "builder", "prune", rest @ ..] | ["docker", "buildx", "prune", rest @ ..] => self.cmd_builder_prune(rest, host),
            ["docker", "build", rest @ ..] | ["docker", "image", "build", rest @ ..] | ["docker", "builder", "build", rest @ ..] => self.cmd_build(rest, host),
            ["docker", "run", rest @ ..] | ["docker", "container", "run", rest @ ..] => self.cmd_run(rest, host, false),
            ["docker", "create", rest @ ..] | ["docker", "container", "create", rest @ ..] => self.cmd_run(rest, host, true),
            ["docker", "start", rest @ ..] | ["docker", "container", "start", rest @ ..] => self.cmd_start(rest, host),
            ["docker", verb @ ("stop" | "kill" | "restart" | "pause" | "unpause"), rest @ ..] | ["docker", "container", verb @ ("stop" | "kill" | "restart" | "pause" | "unpause"), rest @ ..] => {
                self.cmd_lifecycle(verb, rest, host)
            }
            ["docker", "rm", rest @ ..] | ["docker", "container", "rm" | "remove", rest @ ..] => self.cmd_rm(rest),
            ["docker", "ps", rest @ ..] | ["docker", "container", "ls" | "list" | "ps", rest @ ..] => self.cmd_ps(rest, host),
            ["docker", "exec", rest @ ..] | ["docker", "container", "exec", rest @ ..] => self.cmd_exec(rest),
            ["docker", "logs", rest @ ..] | ["docker", "container", "logs", rest @ ..] => self.cmd_logs(rest),
            ["docker", "diff", rest @ ..] | ["docker", "container", "diff", rest @ ..] => self.cmd_diff(rest),
            ["docker", "rename", rest @ ..] | ["docker", "container", "rename", rest @ ..] => self.cmd_rename(rest),
            ["docker", "top", rest @ ..] | ["docker", "container", "top", rest @ ..] => self.cmd_top(rest),
            ["docker", "commit", rest @ ..] | ["docker", "container", "commit", rest @ ..] => self.cmd_commit(rest),
            ["docker", "export", rest @ ..] | ["docker", "container", "export", rest @ ..] => self.cmd_export(rest, host),
            ["docker", "cp", rest @ ..] | ["docker", "container", "cp", rest @ ..] => self.cmd_cp(rest, host),
            ["docker", "container", "prune", rest @ ..] => self.cmd_container_prune(rest),
            ["docker", "container", "inspect", rest @ ..] => self.cmd_inspect_kind(rest, Some("container")),
            ["docker", "volume", rest @ ..] => self.cmd_volume(rest, host),
            ["docker", "network", rest @ ..] => self.cmd_network(rest, host.now()),
            ["docker", "info", rest @ ..] | ["docker", "system", "info", rest @ ..] => self.cmd_info(rest),
            ["docker", "image", "inspect", rest @ ..] => self.cmd_inspect_kind(rest, Some("image")),
            ["docker", "inspect", rest @ ..] => self.cmd_inspect_kind(rest, None),
            ["docker", "images", rest @ ..] | ["docker", "image", "ls" | "list", rest @ ..] => self.cmd_images(rest, host),
            ["docker", "history", rest @ ..] | ["docker", "image", "history", rest @ ..] => self.cmd_history(rest, host),
            ["docker", "tag", rest @ ..] | ["docker", "image", "tag", rest @ ..] => self.cmd_tag(rest),
            ["docker", "rmi", rest @ ..] | ["docker", "image", "rm" | "remove", rest @ ..] => self.cmd_rmi(rest),
            ["docker", "load", rest @ ..] | ["docker", "image", "load", rest @ ..] => self.cmd_load(rest, host),
            ["docker", "import", rest @ ..] | ["docker", "image", "import", rest @ ..] => self.cmd_import(rest, host),
            ["docker", "image", "prune", rest @ ..] => self.cmd_image_prune(rest),
            ["docker", "system", "df", rest @ ..] => self.cmd_system_df(rest, host),
            ["docker", "system", sub, ..] => Output::fail(format!("docker system {sub}: not available in this version of Layer Lab\n"), 1),
            ["docker", "pull", rest @ ..] | ["docker", "image", "pull", rest @ ..] => self.cmd_pull(rest),
            ["docker", "save", rest @ ..] | ["docker", "image", "save", rest @ ..] => self.cmd_save(rest, host),
            ["docker", "image", sub, ..] => Output::fail(format!("docker image {sub}: not available in this version of Layer Lab\n"), 1),
            ["docker", cmd, ..] if LATER.contains(cmd) => {
                Output::fail(format!("docker {cmd}: not available in this version of Layer Lab\n"), 1)
            }
            ["docker", cmd, ..] => {
                Output::fail(format!("docker: '{cmd}' is not a docker command.\nSee 'docker --help'\n"), 1)
            }
            ["pwd"] => Output { text: format!("{}\n", host.cwd()), status: 0, events: Vec::new() },
            ["clear"] => Output { text: String::new(), status: 0, events: vec![Event::ClearScreen] },
            ["curl", ..] => self.host_curl(&words[1..], host),
            ["cat", files @ ..] if !files.is_empty() => host_cat(files, host),
            ["ls", rest @ ..] => host_ls(rest, host),
            // `docker rm web || echo gone`: the words, as sh's echo prints them (`-n`: no newline).
            ["echo", "-n", rest @ ..] => Output::ok(rest.join(" ")),
            ["echo", rest @ ..] => Output::ok(format!("{}\n", rest.join(" "))),
            [cmd, ..] => Output::fail(format!("sh: {cmd}: not found (this terminal runs docker commands, curl, echo, ls and cat)\n"), 127),
        }
    }

    /// `curl` on the host: published ports on localhost, containers at their
    /// bridge addresses. What it saves goes to the host's files.
    fn host_curl(&mut self, args: &[String], host: &mut dyn Host) -> Output {
        let (now, mut log) = (self.now.unwrap_or(0), Vec::new());
        let run = crate::http::curl(args, crate::http::HOST_CURL, &mut |req| self.fetch(crate::http::Client::Host, req, now, &mut log));
        self.keep_access_log(log);
        let mut out = Output::fail(run.err, run.status);
        for (name, bytes) in run.files {
            match host.write_file(&name, &bytes) {
                Ok(()) => out.events.push(Event::FileWritten { path: name, size: bytes.len() as u64 }),
                Err(e) => {
                    out.text.push_str(&format!("curl: (23) Failure writing output to destination: {name}: {e}\n"));
                    out.status = 23;
                }
            }
        }
        // The terminal shows a CRLF line end as one.
        out.text.push_str(&String::from_utf8_lossy(&run.out).replace("\r\n", "\n"));
        out
    }

    fn cmd_build(&mut self, args: &[&str], host: &dyn Host) -> Output {
        let usage = "Usage:  docker buildx build [OPTIONS] PATH | URL | -";
        let mut opts = BuildOptions::default();
        let mut context = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v)),
                _ => (*arg, None),
            };
            let mut value = |name: &str| -> Result<String, Output> {
                inline
                    .map(str::to_string)
                    .or_else(|| it.next().map(|s| s.to_string()))
                    .ok_or_else(|| Output::fail(format!("ERROR: flag needs an argument: {name}\n{usage}\n"), 1))
            };
            match flag {
                "-t" | "--tag" => match value(flag) {
                    Ok(v) => opts.tags.push(v),
                    Err(o) => return o,
                },
                "-f" | "--file" => match value(flag) {
                    Ok(v) => opts.file = Some(v),
                    Err(o) => return o,
                },
                "--no-cache" => opts.no_cache = true,
                // The catalogue holds one version of each base image: there is never a newer one to pull.
                "--pull" => {}
                "--check" => opts.check = true,
                "-q" | "--quiet" => opts.quiet = true,
                // The output here is always plain text.
                "--progress" => match value(flag) {
                    Ok(v) if v == "quiet" => opts.quiet = true,
                    Ok(v) if matches!(v.as_str(), "auto" | "plain" | "tty" | "rawjson") => {}
                    Ok(v) => return Output::fail(format!("ERROR: invalid progress mode {v:?}\n"), 1),
                    Err(o) => return o,
                },
                "--build-arg" => match value(flag) {
                    Ok(v) => {
                        let (k, val) = v.split_once('=').unwrap_or((v.as_str(), ""));
                        opts.build_args.insert(k.to_string(), val.to_string());
                    }
                    Err(o) => return o,
                },
                "--target" => match value(flag) {
                    Ok(v) => opts.target = Some(v),
                    Err(o) => return o,
                },
                f if f.starts_with('-') && f.len() > 1 => {
                    return Output::fail(format!("ERROR: unknown flag: {f} (not available in this version of Layer Lab)\n"), 1)
                }
                path => {
                    if context.replace(path.to_string()).is_some() {
                        return Output::fail(format!("ERROR: \"docker buildx build\" requires exactly 1 argument.\n{usage}\n"), 1);
                    }
                }
            }
        }
        let Some(context) = context else {
            return Output::fail(format!("ERROR: \"docker buildx build\" requires exactly 1 argument.\n{usage}\n"), 1);
        };
        opts.context = context;
        opts.classic = self.env.get("DOCKER_BUILDKIT").is_some_and(|v| matches!(v.as_str(), "0" | "false" | "FALSE" | "False"));
        let mut text = String::new();
        if opts.check {
            let status = i32::from(build::check(host, &opts, &mut text).is_err());
            return Output { text, status, events: Vec::new() };
        }
        match build::build(self, host, &opts, &mut text) {
            Ok((id, events)) if opts.quiet => Output { text: format!("{id}\n"), status: 0, events },
            Ok((_, events)) => Output { text, status: 0, events },
            Err(()) => Output::fail(text, 1),
        }
    }

    /// `docker inspect` (containers and images), `docker image inspect`, `docker container inspect`.
    pub(crate) fn cmd_inspect_kind(&self, all: &[&str], kind: Option<&str>) -> Output {
        let mut format = None;
        let mut kind = kind;
        let mut size = false;
        let mut args = Vec::new();
        let mut it = all.iter();
        while let Some(a) = it.next() {
            match *a {
                "-f" | "--format" => match it.next() {
                    Some(f) => format = Some(*f),
                    None => return Output::fail("flag needs an argument: 'f' in -f\n".to_string(), 1),
                },
                a if a.starts_with("--format=") => format = a.strip_prefix("--format="),
                "--type" | "--type=image" | "--type=container" | "--type=volume" | "--type=network" => {
                    let wanted = match a.strip_prefix("--type=") {
                        Some(t) => Some(t),
                        None => it.next().copied(),
                    };
                    kind = match wanted {
                        Some(t @ ("image" | "container" | "volume" | "network")) => Some(t),
                        Some(other) => return Output::fail(format!("\"{other}\" is not a valid value for --type\n"), 1),
                        None => return Output::fail("flag needs an argument: --type\n".to_string(), 1),
                    };
                }
                "-s" | "--size" => size = true,
                flag if flag.starts_with('-') => {
                    return Output::fail(format!("unknown flag: {flag} (not available in this version of Layer Lab)\n"), 1)
                }
                name => args.push(name),
            }
        }
        let template = match format.map(crate::template::Template::parse).transpose() {
            Ok(t) => t,
            Err(e) => return Output::fail(format!("{e}\n"), 1),
        };
        if args.is_empty() {
            let what = kind.map_or("inspect".to_string(), |k| format!("{k} inspect"));
            return Output::fail(format!("\"docker {what}\" requires at least 1 argument.\nSee 'docker {what} --help'.\n"), 1);
        }
        let mut found = Vec::new();
        let mut errors = String::new();
        // Without --type: a container, an image, a volume or a network, in that order, as Docker looks.
        let wants = |k: &str| kind.is_none_or(|w| w == k);
        for name in args {
            if let Some(id) = self.container_id(name).filter(|_| wants("container")) {
                found.push((self.container_inspect(&self.containers[&id], size), &CONTAINER_ZEROS[..]));
            } else if let Some(img) = self.image(name).filter(|_| wants("image")) {
                found.push((image::inspect(img, &self.tags_of(&img.id), &self.repo_digests(&img.id), self.parents.get(&img.id)), &IMAGE_ZEROS[..]));
            } else if let Some(v) = self.volumes.get(name).filter(|v| !v.is_bind() && wants("volume")) {
                found.push((crate::containers::volume_json(v), &VOLUME_ZEROS[..]));
            } else if let Some((n, id, subnet)) = self.network(name).filter(|_| wants("network")) {
                found.push((self.network_json(&n, &id, subnet), &NETWORK_ZEROS[..]));
            } else {
                // `docker volume inspect` and `docker network inspect` say it as the daemon does.
                let _ = match kind {
                    Some("volume") => writeln!(errors, "Error response from daemon: get {name}: no such volume"),
                    Some("network") => writeln!(errors, "Error response from daemon: network {name} not found"),
                    k => writeln!(errors, "Error: No such {}: {name}", k.unwrap_or("object")),
                };
            }
        }
        let mut text = String::new();
        match &template {
            None => {
                text = crate::json::pretty(&serde_json::Value::Array(found.into_iter().map(|(v, _)| v).collect()));
                text.push('\n');
            }
            Some(t) => {
                for (value, zeros) in &found {
                    match t.execute_typed(value, zeros) {
                        Ok(s) => {
                            text.push_str(&s);
                            text.push('\n');
                        }
                        Err(e) => return Output::fail(format!("{text}{e}\n"), 1),
                    }
                }
            }
        }
        text.push_str(&errors);
        Output { status: i32::from(!errors.is_empty()), text, events: Vec::new() }
    }
}

/// The fields of Docker's inspect types (`container.InspectResponse`,
/// `image.InspectResponse`, `volume.Volume`, `network.Inspect`) that Layer
/// Lab's JSON has as null or leaves out, with what `{{.Field}}` prints for
/// them in Docker: Go's zero value of the field's type (`{}`: the empty
/// struct a port or volume set holds).
const CONTAINER_ZEROS: [(&str, &str); 16] = [
    ("HostConfig.Binds", "[]"),
    ("Config.Cmd", "[]"),
    ("Config.Entrypoint", "[]"),
    ("Config.Volumes", "map[]"),
    ("Config.Volumes.*", "{}"),
    ("Config.ExposedPorts", "map[]"),
    ("Config.ExposedPorts.*", "{}"),
    ("Config.OnBuild", "[]"),
    ("Config.Shell", "[]"),
    ("Config.Healthcheck", "<nil>"),
    ("Config.StopSignal", ""),
    ("State.Health", "<nil>"),
    ("NetworkSettings.Networks.*.IPAMConfig", "<nil>"),
    ("NetworkSettings.Networks.*.Links", "[]"),
    ("NetworkSettings.Networks.*.Aliases", "[]"),
    ("NetworkSettings.Networks.*.DNSNames", "[]"),
];
const IMAGE_ZEROS: [(&str, &str); 14] = [
    ("Config.User", ""),
    ("Config.ExposedPorts", "map[]"),
    ("Config.ExposedPorts.*", "{}"),
    ("Config.Env", "[]"),
    ("Config.Entrypoint", "[]"),
    ("Config.Cmd", "[]"),
    ("Config.Volumes", "map[]"),
    ("Config.Volumes.*", "{}"),
    ("Config.WorkingDir", ""),
    ("Config.Labels", "map[]"),
    ("Config.StopSignal", ""),
    ("Config.Healthcheck", "<nil>"),
    ("Config.OnBuild", "[]"),
    ("Config.Shell", "[]"),
];
const VOLUME_ZEROS: [(&str, &str); 2] = [("Labels", "map[]"), ("Options", "map[]")];
const NETWORK_ZEROS: [(&str, &str); 1] = [("IPAM.Options", "map[]")];

/// `docker.io/library/alpine` for `alpine:…`, `grafana/grafana` for `grafana/grafana:…`.
fn repo_path(reference: &str) -> (String, String) {
    let (name, tag) = reference.rsplit_once(':').unwrap_or((reference, "latest"));
    let path = if name.contains('/') { name.to_string() } else { format!("library/{name}") };
    (path, tag.to_string())
}

impl Engine {
    fn cmd_pull(&mut self, args: &[&str]) -> Output {
        let mut quiet = false;
        let mut names = Vec::new();
        for arg in args {
            match *arg {
                "-q" | "--quiet" => quiet = true,
                a if a.starts_with('-') && a.len() > 1 => {
                    return Output::fail(format!("unknown flag: {a} (not available in this version of Layer Lab)\n"), 1)
                }
                name => names.push(name),
            }
        }
        let [name] = names.as_slice() else {
            return Output::fail("\"docker pull\" requires exactly 1 argument.\nSee 'docker pull --help'.\n".to_string(), 1);
        };
        if name.contains('@') {
            return Output::fail("docker pull NAME@DIGEST: pulling by digest is not available in this version of Layer Lab\n".to_string(), 1);
        }
        let reference = match image::normalize_reference(name) {
            Ok(r) => r,
            Err(e) => return Output::fail(format!("{e}\n"), 1),
        };
        if reference == "scratch:latest" {
            return Output::fail("Error response from daemon: 'scratch' is a reserved name\n".to_string(), 1);
        }
        let catalogue = match crate::catalogue::catalogue() {
            Ok(c) => c,
            Err(e) => return Output::fail(format!("layerlab: {e}\n"), 1),
        };
        let (path, tag) = repo_path(&reference);
        let Some(def) = catalogue.find(&reference) else {
            let known = catalogue.names().join(", ");
            let repo = reference.rsplit_once(':').map_or(reference.as_str(), |(r, _)| r);
            let message = if catalogue.images.iter().any(|i| i.refs.iter().any(|r| r.starts_with(&format!("{repo}:")))) {
                format!("Error response from daemon: manifest for {reference} not found: manifest unknown: manifest unknown\n")
            } else {
                format!("Error response from daemon: pull access denied for {repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n")
            };
            return Output::fail(format!("{message}(Layer Lab simulates these images: {known})\n"), 1);
        };
        let mut text = String::new();
        if !name.rsplit('/').next().unwrap_or(name).contains(':') && !quiet {
            text.push_str("Using default tag: latest\n");
        }
        let before = self.tags.get(&reference).cloned();
        match self.ensure_pulled(def, &reference) {
            Ok(crate::Pulled { id, layers, manifest }) => {
                let mut events = Vec::new();
                if !quiet {
                    let _ = writeln!(text, "{tag}: Pulling from {path}");
                    for (diff_id, existed) in layers.iter().flatten() {
                        let status = if *existed { "Already exists" } else { "Pull complete" };
                        let _ = writeln!(text, "{}: {status} ", diff_id.short());
                        if !existed {
                            events.push(Event::LayerCreated { diff_id: diff_id.clone(), size: 0 });
                        }
                    }
                    let _ = writeln!(text, "Digest: {manifest}");
                    if layers.is_none() && before.as_ref() == Some(&id) {
                        let _ = writeln!(text, "Status: Image is up to date for {reference}");
                    } else {
                        let _ = writeln!(text, "Status: Downloaded newer image for {reference}");
                    }
                }
                let _ = writeln!(text, "docker.io/{path}:{tag}");
                events.push(Event::Tagged { reference, id });
                Output { text, status: 0, events }
            }
            Err(e) => Output::fail(format!("{text}layerlab: {e}\n"), 1),
        }
    }

    /// `docker import FILE [REPOSITORY[:TAG]]`: a filesystem tarball (what
    /// `docker export` writes, plain or gzipped) as an image of one layer,
    /// with an empty config; `-c` applies Dockerfile instructions, `-m` is
    /// the history's comment.
    fn cmd_import(&mut self, args: &[&str], host: &mut dyn Host) -> Output {
        use crate::flags::opt;
        let p = match crate::flags::parse(args, &[opt(Some('c'), "change"), opt(Some('m'), "message"), opt(None, "platform")], false) {
            Ok(p) => p,
            Err(e) => return Output::fail(format!("{e}\nSee 'docker import --help'.\n"), 1),
        };
        let (file, reference) = match p.args.as_slice() {
            [file] => (file, None),
            [file, r] => match image::normalize_reference(r) {
                Ok(r) => (file, Some(r)),
                Err(e) => return Output::fail(format!("Error response from daemon: {e}\n"), 1),
            },
            _ => return Output::fail("\"docker import\" requires at least 1 and at most 2 arguments.\nSee 'docker import --help'.\n".to_string(), 1),
        };
        if file == "-" {
            return Output::fail("docker import: this terminal has no stdin: name the file (docker import FILE)\n".to_string(), 1);
        }
        let bytes = match host.read_file(file) {
            Ok(b) => b,
            Err(e) => return Output::fail(format!("open {file}: {e}\n"), 1),
        };
        let tree = match crate::layer::unpack_archive(&bytes) {
            Ok(Some(t)) => t,
            Ok(None) => return Output::fail("Error response from daemon: archive/tar: invalid tar header\n".to_string(), 1),
            Err(e) => return Output::fail(format!("Error response from daemon: {e}\n"), 1),
        };
        let mut run = image::RunConfig::default();
        for line in p.values("change") {
            if let Err(e) = build::change(line, &mut run) {
                return Output::fail(format!("Error response from daemon: {e}\n"), 1);
            }
        }
        let mut config = crate::ImageConfig::linux_amd64(build::BUILD_TIME, run);
        let comment = p.value("message").map_or_else(|| "Imported from -".to_string(), str::to_string);
        config.history.push(image::History { created: build::BUILD_TIME.to_string(), created_by: String::new(), comment, empty_layer: false });
        let (id, _) = match self.import_with(config, vec![crate::ImportStep { created_by: String::new(), tree, opaque: Vec::new() }], &[]) {
            Ok(x) => x,
            Err(e) => return Output::fail(format!("Error response from daemon: {e}\n"), 1),
        };
        let mut events = vec![Event::ImageCreated { id: id.clone() }];
        if let Some(r) = reference {
            self.tag(&r, &id);
            events.push(Event::Tagged { reference: r, id: id.clone() });
        }
        Output { text: format!("{id}\n"), status: 0, events }
    }

    fn cmd_load(&mut self, args: &[&str], host: &mut dyn Host) -> Output {
        let mut input = None;
        let mut quiet = false;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match *arg {
                "-i" | "--input" => match it.next() {
                    Some(f) => input = Some(*f),
                    None => return Output::fail(format!("flag needs an argument: '{}' in {arg}\n", arg.trim_start_matches('-')), 1),
                },
                "-q" | "--quiet" => quiet = true,
                // `docker load < image.tar`: the shell's redirection, read as -i.
                "<" => match it.next() {
                    Some(f) => input = Some(*f),
                    None => return Output::fail("sh: syntax error: unexpected newline\n".to_string(), 2),
                },
                a if a.starts_with("--input=") => input = a.strip_prefix("--input="),
                a => return Output::fail(format!("unknown flag: {a} (not available in this version of Layer Lab)\n"), 1),
            }
        }
        let Some(file) = input else {
            return Output::fail("requested load from stdin, but stdin is empty (this terminal has no stdin: use -i FILE)\n".to_string(), 1);
        };
        let bytes = match host.read_file(file) {
            Ok(b) => b,
            Err(e) => return Output::fail(format!("{e}\n"), 1),
        };
        let images = match crate::load::read(&bytes) {
            Ok(i) => i,
            Err(e) => return Output::fail(format!("Error response from daemon: {e}\n"), 1),
        };
        let mut text = String::new();
        let mut events = Vec::new();
        for img in images {
            let tags = img.tags.clone();
            let (id, mut ev) = self.store_loaded(img);
            events.append(&mut ev);
            if quiet {
                continue;
            }
            if tags.is_empty() {
                let _ = writeln!(text, "Loaded image ID: {id}");
            }
            for t in tags {
                let name = image::normalize_reference(&t).unwrap_or(t);
                let _ = writeln!(text, "Loaded image: {name}");
            }
        }
        Output { text, status: 0, events }
    }

    fn cmd_save(&self, args: &[&str], host: &mut dyn Host) -> Output {
        let mut output = None;
        let mut names = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match *arg {
                "-o" | "--output" => match it.next() {
                    Some(f) => output = Some(*f),
                    None => return Output::fail(format!("flag needs an argument: '{}' in {arg}\n", arg.trim_start_matches('-')), 1),
                },
                a if a.starts_with("--output=") => output = Some(&a["--output=".len()..]),
                a if a.starts_with('-') && a.len() > 1 => {
                    return Output::fail(format!("unknown flag: {a} (not available in this version of Layer Lab)\n"), 1)
                }
                name => names.push(name),
            }
        }
        if names.is_empty() {
            return Output::fail("\"docker save\" requires at least 1 argument.\nSee 'docker save --help'.\n".to_string(), 1);
        }
        let Some(file) = output else {
            return Output::fail("failed to save image: cowardly refusing to save to a terminal. Use the -o flag or redirect\n".to_string(), 1);
        };
        let mut images = Vec::new();
        for name in &names {
            let Some(img) = self.image(name) else {
                return Output::fail(format!("Error response from daemon: No such image: {name}\n"), 1);
            };
            // A name saves that tag; an ID saves the image with all its tags.
            let tags = match image::normalize_reference(name) {
                Ok(r) if self.tags_of(&img.id).contains(&r) => vec![r],
                _ => self.tags_of(&img.id),
            };
            images.push((img, tags));
        }
        match crate::archive::save(self, &images).and_then(|bytes| host.write_file(file, &bytes).map(|_| bytes.len())) {
            Ok(len) => Output { text: String::new(), status: 0, events: vec![Event::FileWritten { path: file.to_string(), size: len as u64 }] },
            Err(e) => Output::fail(format!("failed to save image: {e}\n"), 1),
        }
    }
}

fn help() -> String {
    "Usage:  docker [OPTIONS] COMMAND\n\n\
     Layer Lab runs these commands:\n  \
     build       Build an image from a Dockerfile (also: docker image build)\n  \
     inspect     Return low-level information on an image (also: docker image inspect)\n  \
     save        Save one or more images to a tar archive (also: docker image save)\n\n\
     Other docker commands say so when this version of Layer Lab does not run them yet.\n"
        .to_string()
}

/// `docker` subcommands the console knows, for completion.
const SUBCOMMANDS: &[&str] = &[
    "build", "builder", "commit", "container", "cp", "create", "diff", "exec", "export", "history", "image", "images", "import", "info", "inspect", "kill", "load", "logs", "network", "pause", "ps",
    "port", "pull", "rename", "restart", "rm", "rmi", "run", "save", "start", "stop", "system", "tag", "top", "unpause", "version", "volume",
];

impl Engine {
    /// Completions for the last word of a partly typed line: `docker` and its
    /// subcommands, then container, image or volume names as the subcommand
    /// takes them. Sorted, unique.
    pub fn complete(&self, line: &str) -> Vec<String> {
        if self.session.is_some() {
            return Vec::new();
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let typing_new = line.is_empty() || line.ends_with(char::is_whitespace);
        let (done, partial): (&[&str], &str) = if typing_new { (&words, "") } else { (&words[..words.len() - 1], words.last().copied().unwrap_or("")) };
        let names_of = |kind: &str| -> Vec<String> {
            match kind {
                "container" => self.containers.values().map(|c| c.name.clone()).collect(),
                "image" => self.tags.keys().map(|t| t.strip_suffix(":latest").unwrap_or(t).to_string()).collect(),
                "volume" => self.volumes().map(|v| v.name.clone()).collect(),
                _ => Vec::new(),
            }
        };
        let mut candidates: Vec<String> = match done {
            [] => ["cat", "clear", "curl", "docker", "echo", "export", "ls", "pwd", "unset"].map(String::from).to_vec(),
            ["docker"] => SUBCOMMANDS.iter().map(|s| s.to_string()).collect(),
            ["docker", "container"] => ["commit", "cp", "create", "diff", "exec", "export", "inspect", "kill", "logs", "ls", "pause", "prune", "rename", "restart", "rm", "run", "start", "stop", "top", "unpause"].map(String::from).to_vec(),
            ["docker", "image"] => ["build", "history", "inspect", "load", "ls", "prune", "pull", "rm", "save", "tag"].map(String::from).to_vec(),
            ["docker", "volume"] => ["create", "inspect", "ls", "prune", "rm"].map(String::from).to_vec(),
            ["docker", "network"] => ["create", "inspect", "ls", "prune", "rm"].map(String::from).to_vec(),
            ["docker", "network", "rm" | "inspect", ..] => self.networks.keys().cloned().collect(),
            ["docker", "system"] => ["df", "info"].map(String::from).to_vec(),
            ["docker", "volume", "rm" | "inspect", ..] => names_of("volume"),
            ["docker", "container" | "image", sub, rest @ ..] | ["docker", sub, rest @ ..] => {
                let flag_value = rest.last().is_some_and(|w| matches!(*w, "-t" | "--tag" | "-f" | "--file" | "--name" | "-e" | "-o" | "-i" | "-v" | "-p" | "-w"));
                match *sub {
                    _ if flag_value => Vec::new(),
                    "rm" if done.get(1) == Some(&"image") => names_of("image"),
                    "exec" | "stop" | "start" | "restart" | "kill" | "pause" | "unpause" | "rm" | "logs" | "diff" | "top" | "rename" | "commit" | "export" | "cp" => {
                        // exec and commit take one container; what follows is not a name.
                        let positional = rest.iter().filter(|w| !w.starts_with('-')).count();
                        if matches!(*sub, "exec" | "commit" | "export" | "rename") && positional > 0 { Vec::new() } else { names_of("container") }
                    }
                    "run" | "create" => {
                        if rest.iter().any(|w| !w.starts_with('-') && !rest.iter().any(|f| matches!(*f, "--name" | "-e" | "-v" | "-p" | "-w"))) { Vec::new() } else { names_of("image") }
                    }
                    "rmi" | "history" | "tag" | "save" | "push" => names_of("image"),
                    "inspect" => names_of("container").into_iter().chain(names_of("image")).collect(),
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        candidates.retain(|c| c.starts_with(partial));
        crate::sorting::sort(&mut candidates);
        candidates.dedup();
        candidates
    }
}

/// `cat FILE…` on the host: the folder's files (what `docker cp` or `curl -o` wrote there).
fn host_cat(files: &[&str], host: &dyn Host) -> Output {
    let (mut text, mut status) = (String::new(), 0);
    for f in files {
        match host.read_file(f) {
            Ok(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
            Err(_) => {
                let why = if host.context(f).is_ok() { "Is a directory" } else { "No such file or directory" };
                text.push_str(&format!("cat: {f}: {why}\n"));
                status = 1;
            }
        }
    }
    Output { text, status, events: Vec::new() }
}

/// `ls [-1aA] [PATH…]` on the host, laid out in columns across an
/// 80-column terminal as GNU ls does (down the columns).
fn host_ls(args: &[&str], host: &dyn Host) -> Output {
    let (flags, paths): (Vec<&str>, Vec<&str>) = args.iter().partition(|a| a.starts_with('-') && a.len() > 1);
    let flags: String = flags.iter().map(|f| f.trim_start_matches('-')).collect();
    if let Some(bad) = flags.chars().find(|c| !"1aA".contains(*c)) {
        return Output::fail(format!("ls: -{bad}: this terminal's ls lists names only (-1, -a, -A)\n"), 2);
    }
    let paths = if paths.is_empty() { vec!["."] } else { paths };
    let (mut text, mut status, mut files, mut dirs) = (String::new(), 0, Vec::new(), Vec::new());
    for p in &paths {
        match host.context(p) {
            Ok(tree) => dirs.push((*p, tree)),
            Err(_) if host.read_file(p).is_ok() => files.push(p.to_string()),
            Err(_) => {
                text.push_str(&format!("ls: cannot access '{p}': No such file or directory\n"));
                status = 2;
            }
        }
    }
    let layout = |names: &[String]| if flags.contains('1') { names.iter().map(|n| format!("{n}\n")).collect() } else { crate::listing::columns(names, 80) };
    text.push_str(&layout(&files));
    let titled = paths.len() > 1;
    for (i, (p, tree)) in dirs.iter().enumerate() {
        let mut names: Vec<String> = if flags.contains('a') { vec![".".to_string(), "..".to_string()] } else { Vec::new() };
        names.extend(tree.iter().filter(|(k, _)| k.len() == 1).map(|(k, _)| k[0].clone()).filter(|n| !n.starts_with('.') || flags.contains(['a', 'A'])));
        if titled {
            text.push_str(&format!("{}{p}:\n", if i > 0 || !files.is_empty() { "\n" } else { "" }));
        }
        text.push_str(&layout(&names));
    }
    Output { text, status, events: Vec::new() }
}
