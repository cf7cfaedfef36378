//! `layerlab`: the engine from a terminal.
//!
//! `layerlab run [--context DIR] [SCRIPT]` runs console commands, one per
//! line, exactly as the page's terminal does.

use layerlab_engine::{DirHost, Engine};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: layerlab run [--context DIR] [SCRIPT]
       layerlab parse DOCKERFILE

Runs console commands (`docker build …`, `docker image inspect …`), one per
line, from SCRIPT or standard input (when SCRIPT is absent or `-`). Prints
`$ <command>` (inside `docker exec -it …` the container's prompt, `/ # `,
`mysql> `) and its output for each. Blank lines and lines starting with #
are skipped. DIR (default: the current directory) is the folder that build
contexts and file paths are relative to. Exits 1 if any command failed.

parse prints the Dockerfile's AST in BuildKit's dump format (one line per
instruction), or the parse error with its line (exit 1).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("parse") {
        return match args.as_slice() {
            [_, file] => parse(file),
            _ => {
                eprintln!("layerlab: parse takes exactly one DOCKERFILE\n\n{USAGE}");
                ExitCode::from(2)
            }
        };
    }
    match parse_args() {
        Ok(Some((context, script))) => run(context, script),
        Ok(None) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("layerlab: {e}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(file: &str) -> ExitCode {
    let text = match std::fs::read(file) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            eprintln!("layerlab: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    match layerlab_engine::parser::parse(&text) {
        Ok(parsed) => {
            println!("{}", parsed.root.dump());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{file}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args() -> Result<Option<(PathBuf, Option<PathBuf>)>, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let mut context = PathBuf::from(".");
    let mut script = None;
    let mut command = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("context") if command.is_some() => context = parser.value().map_err(|e| e.to_string())?.into(),
            Value(v) if command.is_none() => command = Some(v.to_string_lossy().into_owned()),
            Value(v) if script.is_none() => script = Some(PathBuf::from(v)),
            other => return Err(other.unexpected().to_string()),
        }
    }
    match command.as_deref() {
        Some("run") => Ok(Some((context, script.filter(|s| s.as_os_str() != "-")))),
        Some(other) => Err(format!("unknown command {other:?}")),
        None => Err("missing command".to_string()),
    }
}

fn run(context: PathBuf, script: Option<PathBuf>) -> ExitCode {
    let lines: Vec<String> = match &script {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text.lines().map(str::to_string).collect(),
            Err(e) => {
                eprintln!("layerlab: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => match std::io::stdin().lock().lines().collect() {
            Ok(lines) => lines,
            Err(e) => {
                eprintln!("layerlab: reading standard input: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut engine = Engine::new();
    let mut host = DirHost { root: context };
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in &lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Inside `docker exec -it …` the container's prompt is shown instead.
        let prompt = engine.prompt().unwrap_or_else(|| "$ ".to_string());
        let output = engine.run(line, &mut host);
        failed |= output.status != 0;
        let _ = writeln!(out, "{prompt}{line}");
        let _ = out.write_all(output.text.as_bytes());
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
