//! The simulated MySQL of the seeds' walk-through: `mysqld` initialises its
//! data directory as the real entrypoint does (refusing to start without a
//! root password), and a small SQL client (`use`, `CREATE DATABASE/TABLE`,
//! `INSERT`, `SELECT * FROM`, `SHOW DATABASES/TABLES`) keeps each table as a
//! file under `/var/lib/mysql/<db>/`, so rows live in the container's
//! writable layer or in a volume, and go or stay exactly as files do.

use crate::console::Output;
use crate::containers::Session;
use crate::fs::{components, Node, Tree};
use crate::Engine;
use std::collections::BTreeMap;

const DATADIR: &str = "/var/lib/mysql";
const SYSTEM_DBS: [&str; 4] = ["information_schema", "mysql", "performance_schema", "sys"];

/// The files `mysqld --initialize` makes, and the log; Err: the log of a refusal.
pub fn start(env: &BTreeMap<String, String>) -> Result<(Vec<(String, Node)>, String), String> {
    let password = env.get("MYSQL_ROOT_PASSWORD").filter(|p| !p.is_empty());
    let allowed = env.contains_key("MYSQL_ALLOW_EMPTY_PASSWORD") || env.contains_key("MYSQL_RANDOM_ROOT_PASSWORD");
    let mut log = String::from("[Note] [Entrypoint]: Entrypoint script for MySQL Server 9.2.0-1.el9 started.\n");
    if password.is_none() && !allowed {
        log.push_str("[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n");
        return Err(log);
    }
    log.push_str("[Note] [Entrypoint]: Initializing database files\n[System] [MY-013169] [Server] /usr/sbin/mysqld (mysqld 9.2.0) initializing of server in progress\n[Note] [Entrypoint]: Database files initialized\n");
    let synthetic = |size, seed| Node::synthetic(size, seed, 0o640);
    // mysqld's directories first (0750), so the files' parents are its own.
    let mut files: Vec<(String, Node)> = ["#innodb_redo", "mysql", "performance_schema", "sys"].iter().map(|d| (format!("{DATADIR}/{d}"), Node::dir(0o750))).collect();
    files.extend([
        (format!("{DATADIR}/ibdata1"), synthetic(12_582_912, 3301)),
        (format!("{DATADIR}/mysql.ibd"), synthetic(25_165_824, 3302)),
        (format!("{DATADIR}/undo_001"), synthetic(16_777_216, 3303)),
        (format!("{DATADIR}/undo_002"), synthetic(16_777_216, 3304)),
        (format!("{DATADIR}/#innodb_redo/#ib_redo9"), synthetic(3_276_800, 3305)),
        (format!("{DATADIR}/auto.cnf"), Node::file(b"[auto]\nserver-uuid=4c0a3b8e-0000-0000-0000-layerlab0001\n".to_vec(), 0o640)),
        (format!("{DATADIR}/sys/sys_config.ibd"), synthetic(114_688, 3306)),
        // Layer Lab keeps the root password where the real server keeps its user table.
        (format!("{DATADIR}/mysql/user.layerlab"), Node::file(format!("root\t{}\n", password.map_or("", String::as_str)).into_bytes(), 0o640)),
    ]);
    if let Some(db) = env.get("MYSQL_DATABASE").filter(|d| !d.is_empty()) {
        log.push_str(&format!("[Note] [Entrypoint]: Creating database {db}\n"));
        files.push((format!("{DATADIR}/{db}/db.opt"), Node::file(b"default-character-set=utf8mb4\n".to_vec(), 0o640)));
    }
    log.push_str("[Note] [Entrypoint]: MySQL init process done. Ready for start up.\n[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '9.2.0'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.\n");
    // All of it is the mysql user's (999), as the server writes it.
    Ok((files.into_iter().map(|(p, n)| (p, Node { uid: 999, gid: 999, ..n })).collect(), log))
}

/// Whether the data directory was initialised already (then `start` is skipped).
pub fn initialised(view: &Tree) -> bool {
    view.get(&components(&format!("{DATADIR}/mysql/user.layerlab"))).is_some()
}

/// A table as stored: column names and types, then rows.
struct Table {
    columns: Vec<(String, String)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(text: &str) -> Table {
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        let columns = lines.next().unwrap_or("").split('\t').filter(|c| !c.is_empty()).map(|c| {
            let (n, t) = c.split_once(' ').unwrap_or((c, ""));
            (n.to_string(), t.to_string())
        });
        let columns = columns.collect();
        let rows = lines.map(|l| l.split('\t').map(|v| v.replace("\\t", "\t").replace("\\n", "\n")).collect()).collect();
        Table { columns, rows }
    }

    fn render(&self) -> String {
        let mut s = String::from("# Layer Lab's simulated InnoDB table: columns, then one row a line (tab-separated)\n");
        s.push_str(&self.columns.iter().map(|(n, t)| format!("{n} {t}")).collect::<Vec<_>>().join("\t"));
        s.push('\n');
        for r in &self.rows {
            s.push_str(&r.iter().map(|v| v.replace('\t', "\\t").replace('\n', "\\n")).collect::<Vec<_>>().join("\t"));
            s.push('\n');
        }
        s
    }
}

/// Splits `a, 'b, c', 3` at top-level commas, unquoting strings.
fn values(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in list.chars() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            (',', None) => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() || !out.is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// MySQL's boxed table: numbers right-aligned, text left-aligned.
fn boxed(header: &[String], rows: &[Vec<String>], numeric: &[bool]) -> String {
    let widths: Vec<usize> = (0..header.len()).map(|i| rows.iter().map(|r| r.get(i).map_or(0, |v| v.chars().count())).chain([header[i].chars().count()]).max().unwrap_or(0)).collect();
    let rule = format!("+{}+\n", widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+"));
    let line = |cells: &[String], align: bool| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, v)| if align && numeric.get(i).copied().unwrap_or(false) { format!(" {v:>w$} ", w = widths[i]) } else { format!(" {v:<w$} ", w = widths[i]) })
            .collect();
        format!("|{}|\n", parts.join("|"))
    };
    let mut s = rule.clone();
    s.push_str(&line(header, false));
    s.push_str(&rule);
    for r in rows {
        s.push_str(&line(r, true));
    }
    s.push_str(&rule);
    s
}

fn rows_in_set(n: usize) -> String {
    match n {
        0 => "Empty set (0.00 sec)\n".into(),
        1 => "1 row in set (0.00 sec)\n".into(),
        n => format!("{n} rows in set (0.00 sec)\n"),
    }
}

impl Engine {
    /// `docker exec [-it] CONTAINER mysql [-uroot] [-pPASS|--password=PASS] [-e STATEMENT] [DB]`.
    pub(crate) fn mysql_client(&mut self, id: &str, args: &[String], interactive: bool) -> Output {
        let mut password = None;
        let mut statement = None;
        let mut db = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(p) = a.strip_prefix("--password=").or_else(|| a.strip_prefix("-p").filter(|p| !p.is_empty())) {
                password = Some(p.to_string());
            } else if a == "-e" || a == "--execute" {
                statement = it.next().cloned();
            } else if let Some(e) = a.strip_prefix("--execute=") {
                statement = Some(e.to_string());
            } else if !a.starts_with('-') {
                db = Some(a.clone());
            }
        }
        let view = match self.container_fs(id) {
            Ok(v) => v,
            Err(e) => return Output { text: format!("{e}\n"), status: 1, events: Vec::new() },
        };
        let running_mysqld = self.containers.get(id).is_some_and(|c| c.argv.iter().any(|a| a == "mysqld")) && initialised(&view);
        if !running_mysqld {
            return Output { text: "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n".into(), status: 1, events: Vec::new() };
        }
        let stored = view.get(&components(&format!("{DATADIR}/mysql/user.layerlab"))).and_then(|n| n.body()).map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned()).unwrap_or_default();
        let expected = stored.lines().next().and_then(|l| l.split_once('\t')).map(|(_, p)| p.to_string()).unwrap_or_default();
        if password.as_deref().unwrap_or("") != expected {
            let using = if password.is_some() { "YES" } else { "NO" };
            return Output { text: format!("ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: {using})\n"), status: 1, events: Vec::new() };
        }
        let warning = if password.is_some() { "mysql: [Warning] Using a password on the command line interface can be insecure.\n" } else { "" };
        if let Some(db) = &db {
            if !SYSTEM_DBS.contains(&db.as_str()) && view.get(&components(&format!("{DATADIR}/{db}"))).is_none() {
                return Output { text: format!("{warning}ERROR 1049 (42000): Unknown database '{db}'\n"), status: 1, events: Vec::new() };
            }
        }
        if let Some(s) = statement {
            let mut out = self.sql(id, &mut db, &s);
            out.text = format!("{warning}{}", out.text);
            return out;
        }
        if !interactive {
            return Output { text: warning.to_string(), status: 0, events: Vec::new() };
        }
        self.session = Some(Session::Sql { container: id.to_string(), db, pending: String::new() });
        Output {
            text: format!("{warning}Welcome to the MySQL monitor.  Commands end with ; or \\g.\nYour MySQL connection id is 8\nServer version: 9.2.0 MySQL Community Server - GPL (simulated by Layer Lab)\n\nType 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n"),
            status: 0,
            events: Vec::new(),
        }
    }

    /// A line typed at `mysql> `: statements end with `;` (`use` and `exit` need none).
    pub(crate) fn sql_line(&mut self, id: &str, mut db: Option<String>, pending: String, line: &str) -> Output {
        let mut buffer = if pending.is_empty() { line.to_string() } else { format!("{pending}\n{line}") };
        let trimmed = buffer.trim();
        let lower = trimmed.to_ascii_lowercase();
        if pending.trim().is_empty() && matches!(lower.trim_end_matches(';'), "exit" | "quit" | "\\q") {
            self.session = None;
            return Output { text: "Bye\n".into(), status: 0, events: Vec::new() };
        }
        if pending.trim().is_empty() && (lower.starts_with("use ") || lower == "use") {
            let out = self.sql(id, &mut db, trimmed);
            self.session = Some(Session::Sql { container: id.to_string(), db, pending: String::new() });
            return out;
        }
        let mut text = String::new();
        let mut events = Vec::new();
        let mut status = 0;
        while let Some(end) = buffer.find(';') {
            let statement: String = buffer[..end].to_string();
            buffer = buffer[end + 1..].to_string();
            if statement.trim().is_empty() {
                text.push_str("ERROR: \nNo query specified\n\n");
                continue;
            }
            let out = self.sql(id, &mut db, &statement);
            text.push_str(&out.text);
            text.push('\n');
            events.extend(out.events);
            status = out.status;
        }
        self.session = Some(Session::Sql { container: id.to_string(), db, pending: if buffer.trim().is_empty() { String::new() } else { buffer } });
        Output { text, status, events }
    }

    /// Runs one statement; tables are files under the data directory.
    fn sql(&mut self, id: &str, db: &mut Option<String>, statement: &str) -> Output {
        let err = |t: String| Output { text: t, status: 1, events: Vec::new() };
        let okay = |t: String| Output { text: t, status: 0, events: Vec::new() };
        let s = statement.trim().trim_end_matches(';').trim();
        let words: Vec<&str> = s.split_whitespace().collect();
        let lw: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
        let view = match self.container_fs(id) {
            Ok(v) => v,
            Err(e) => return err(format!("{e}\n")),
        };
        let user_dbs: Vec<String> = view
            .descendants(&components(DATADIR))
            .filter(|(k, n)| n.is_dir() && k.len() == 4 && !k[3].starts_with('#') && !SYSTEM_DBS.contains(&k[3].as_str()))
            .map(|(k, _)| k[3].clone())
            .collect();
        let name = |w: &str| w.trim_matches('`').to_string();
        match lw.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["use", _, ..] => {
                let target = name(words[1].trim_end_matches(';'));
                if SYSTEM_DBS.contains(&target.as_str()) || user_dbs.contains(&target) {
                    *db = Some(target);
                    okay("Database changed\n".into())
                } else {
                    err(format!("ERROR 1049 (42000): Unknown database '{target}'\n"))
                }
            }
            ["show", "databases"] => {
                let mut all: Vec<String> = SYSTEM_DBS.iter().map(|s| s.to_string()).chain(user_dbs.clone()).collect();
                crate::sorting::sort(&mut all);
                let rows: Vec<Vec<String>> = all.into_iter().map(|d| vec![d]).collect();
                okay(format!("{}{}", boxed(&["Database".into()], &rows, &[false]), rows_in_set(rows.len())))
            }
            ["create", "database", ..] => {
                let target = name(words.last().copied().unwrap_or(""));
                if user_dbs.contains(&target) || SYSTEM_DBS.contains(&target.as_str()) {
                    return err(format!("ERROR 1007 (HY000): Can't create database '{target}'; database exists\n"));
                }
                self.write_files(id, vec![(format!("{DATADIR}/{target}/db.opt"), b"default-character-set=utf8mb4\n".to_vec())])
                    .map_or_else(|e| err(format!("{e}\n")), |ev| Output { text: "Query OK, 1 row affected (0.01 sec)\n".into(), status: 0, events: ev })
            }
            ["show", "tables"] => {
                let Some(d) = db.clone() else { return err("ERROR 1046 (3D000): No database selected\n".into()) };
                let key = components(&format!("{DATADIR}/{d}"));
                let tables: Vec<Vec<String>> = view.descendants(&key).filter_map(|(k, _)| k.last()?.strip_suffix(".ibd").map(|t| vec![t.to_string()])).collect();
                if tables.is_empty() {
                    return okay("Empty set (0.00 sec)\n".into());
                }
                okay(format!("{}{}", boxed(&[format!("Tables_in_{d}")], &tables, &[false]), rows_in_set(tables.len())))
            }
            ["create", "table", ..] => {
                let Some(d) = db.clone() else { return err("ERROR 1046 (3D000): No database selected\n".into()) };
                let (Some(open), Some(close)) = (s.find('('), s.rfind(')')) else {
                    return err("ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1\n".into());
                };
                let table = name(s[..open].split_whitespace().last().unwrap_or(""));
                let path = format!("{DATADIR}/{d}/{table}.ibd");
                if view.get(&components(&path)).is_some() {
                    return err(format!("ERROR 1050 (42S01): Table '{table}' already exists\n"));
                }
                let columns: Vec<(String, String)> = values(&s[open + 1..close])
                    .iter()
                    .filter_map(|c| {
                        let mut parts = c.split_whitespace();
                        Some((name(parts.next()?), parts.next().unwrap_or("").to_string()))
                    })
                    .collect();
                let t = Table { columns, rows: Vec::new() };
                self.write_files(id, vec![(path, t.render().into_bytes())]).map_or_else(|e| err(format!("{e}\n")), |ev| Output { text: "Query OK, 0 rows affected (0.02 sec)\n".into(), status: 0, events: ev })
            }
            ["insert", "into", ..] => {
                let Some(d) = db.clone() else { return err("ERROR 1046 (3D000): No database selected\n".into()) };
                let table = name(words.get(2).map(|w| w.split('(').next().unwrap_or(w)).unwrap_or(""));
                let path = format!("{DATADIR}/{d}/{table}.ibd");
                let Some(body) = view.get(&components(&path)).and_then(|n| n.body()) else {
                    return err(format!("ERROR 1146 (42S02): Table '{d}.{table}' doesn't exist\n"));
                };
                let mut t = Table::parse(&String::from_utf8_lossy(&body.to_vec()));
                let Some(at) = s.to_ascii_lowercase().find("values") else { return err("ERROR 1064 (42000): You have an error in your SQL syntax near 'VALUES'\n".into()) };
                let mut rest = &s[at + 6..];
                let mut added = 0;
                while let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) {
                    let row = values(&rest[open + 1..close]);
                    if row.len() != t.columns.len() {
                        return err(format!("ERROR 1136 (21S01): Column count doesn't match value count at row {}\n", added + 1));
                    }
                    t.rows.push(row);
                    added += 1;
                    rest = &rest[close + 1..];
                }
                let text = if added == 1 { "Query OK, 1 row affected (0.01 sec)\n".to_string() } else { format!("Query OK, {added} rows affected (0.01 sec)\nRecords: {added}  Duplicates: 0  Warnings: 0\n") };
                self.write_files(id, vec![(path, t.render().into_bytes())]).map_or_else(|e| err(format!("{e}\n")), |ev| Output { text: text.clone(), status: 0, events: ev })
            }
            ["select", "*", "from", ..] => {
                let target = name(words[3]);
                let (d, table) = match target.split_once('.') {
                    Some((d, t)) => (Some(d.to_string()), t.to_string()),
                    None => (db.clone(), target.clone()),
                };
                let Some(d) = d else { return err("ERROR 1046 (3D000): No database selected\n".into()) };
                let Some(body) = view.get(&components(&format!("{DATADIR}/{d}/{table}.ibd"))).and_then(|n| n.body()) else {
                    return err(format!("ERROR 1146 (42S02): Table '{d}.{table}' doesn't exist\n"));
                };
                let t = Table::parse(&String::from_utf8_lossy(&body.to_vec()));
                if t.rows.is_empty() {
                    return okay("Empty set (0.00 sec)\n".into());
                }
                let header: Vec<String> = t.columns.iter().map(|(n, _)| n.clone()).collect();
                let numeric: Vec<bool> = t.columns.iter().map(|(_, ty)| ty.to_ascii_lowercase().contains("int") || ty.to_ascii_lowercase().starts_with("dec")).collect();
                okay(format!("{}{}", boxed(&header, &t.rows, &numeric), rows_in_set(t.rows.len())))
            }
            _ => err(format!("ERROR 1064 (42000): Layer Lab's simulated MySQL runs USE, SHOW DATABASES/TABLES, CREATE DATABASE/TABLE, INSERT INTO … VALUES and SELECT * FROM; not: {}\n", s.chars().take(40).collect::<String>())),
        }
    }

    /// Writes files into the container (its writable layer, or a volume).
    fn write_files(&mut self, id: &str, files: Vec<(String, Vec<u8>)>) -> Result<Vec<crate::Event>, String> {
        let mut events = Vec::new();
        self.alter(id, &mut events, |merged, _, _| files.into_iter().try_for_each(|(path, bytes)| merged.insert(components(&path), Node::file(bytes, 0o640))))??;
        Ok(events)
    }
}
