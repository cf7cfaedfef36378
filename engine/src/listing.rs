//! Image listings: `docker images`, `docker image history`, `docker tag`,
//! `docker rmi`, in Docker's table shapes.

use crate::date::{parse_time, strftime};
use crate::console::Output;
use crate::host::Host;
use crate::image::normalize_reference;
use crate::units::human_size_precision;
use crate::{Digest, Engine, Event};
use std::fmt::Write as _;

/// Docker's table writer: `tabwriter` with min width 10, padding 3; the
/// last column is not padded.
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0).saturating_add(3).max(10))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', widths[c].saturating_sub(cell.chars().count())));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The buildx CLI's table writer: Go's `tabwriter` padding with tabs
/// (tab width 8, padding 1), so each column ends on a tab stop past its
/// widest cell; the last cell of a row is not padded.
pub fn tab_table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols).map(|c| (rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0) + 1).div_ceil(8) * 8).collect();
    let mut out = String::new();
    for row in rows {
        for (c, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if c + 1 < row.len() {
                out.extend(std::iter::repeat_n('\t', (widths[c] - cell.chars().count()).div_ceil(8)));
            }
        }
        out.push('\n');
    }
    out
}

/// go-units `HumanDuration` + " ago", as `docker images` prints CREATED.
pub fn ago(created: &str, now: Option<i64>) -> String {
    let (Some(then), Some(now)) = (parse_time(created), now) else {
        return created.replacen('T', " ", 1).replacen('Z', " +0000 UTC", 1);
    };
    format!("{} ago", crate::units::human_duration(now - then))
}

/// Docker's `Ellipsis`: at most `max` characters, the last one `…`.
fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn split_ref(r: &str) -> (String, String) {
    match r.rsplit_once(':') {
        Some((n, t)) => (n.to_string(), t.to_string()),
        None => (r.to_string(), "latest".to_string()),
    }
}

fn unknown_flag(flag: &str) -> Output {
    Output { text: format!("unknown flag: {flag} (not available in this version of Layer Lab)\n"), status: 1, events: Vec::new() }
}

fn fail(text: String) -> Output {
    Output { text, status: 1, events: Vec::new() }
}

/// A prune's output with its last line, `Total reclaimed space: …`.
pub(crate) fn with_total((mut out, reclaimed): (Output, u64)) -> Output {
    let _ = writeln!(out.text, "Total reclaimed space: {}", crate::units::human_size(reclaimed));
    out
}

/// What a `--format` printed, or the template's error after what it printed before it.
pub(crate) fn formatted(result: Result<String, String>) -> Output {
    match result {
        Ok(text) => Output { text, status: 0, events: Vec::new() },
        Err(e) => fail(format!("{e}\n")),
    }
}

/// Go's `time.Time.String()` for a UTC time: `2026-11-24 09:03:06 +0000 UTC`.
pub fn go_time(t: i64) -> String {
    strftime(t, "%Y-%m-%d %H:%M:%S +0000 UTC")
}

impl Engine {
    pub(crate) fn cmd_images(&self, args: &[&str], host: &dyn Host) -> Output {
        use crate::flags::{flag, opt};
        let p = match crate::flags::parse(args, &[flag(Some('q'), "quiet"), opt(None, "format"), flag(Some('a'), "all"), flag(None, "no-trunc"), opt(Some('f'), "filter")], false) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\nSee 'docker images --help'.\n")),
        };
        if p.args.len() > 1 {
            return fail("\"docker images\" requires at most 1 argument.\nSee 'docker images --help'.\n".to_string());
        }
        // --all also lists the classic builder's intermediate images.
        let (quiet, filter) = (p.has("quiet"), p.args.first().map(String::as_str));
        // --filter dangling=true|false, reference=PATTERN (a glob on repository[:tag]).
        let mut dangling = None;
        let mut references = Vec::new();
        for f in p.values("filter") {
            match f.split_once('=') {
                Some(("dangling", v @ ("true" | "false"))) => dangling = Some(v == "true"),
                Some(("reference", pattern)) => references.push(pattern.to_string()),
                _ => return fail(format!("Error response from daemon: invalid filter '{f}' (Layer Lab filters on dangling=true|false and reference=PATTERN)\n")),
            }
        }
        let shown = |id: &Digest| if p.has("no-trunc") { id.to_string() } else { id.short().to_string() };
        let format = match p.value("format").map(crate::template::ListFormat::parse).transpose() {
            Ok(t) => t,
            Err(e) => return fail(format!("{e}\n")),
        };
        let mut values = Vec::new();
        let mut images: Vec<_> = self.images.values().collect();
        crate::sorting::sort_by(&mut images, |a, b| parse_time(&b.config.created).cmp(&parse_time(&a.config.created)).then(a.id.cmp(&b.id)));
        let mut rows = vec![["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"].map(String::from).to_vec()];
        let mut ids = Vec::new();
        for img in images {
            if !p.has("all") && self.intermediate(&img.id) {
                continue;
            }
            let tags = self.tags_of(&img.id);
            let names: Vec<(String, String)> = if tags.is_empty() {
                vec![("<none>".to_string(), "<none>".to_string())]
            } else {
                tags.iter().map(|t| split_ref(t)).collect()
            };
            // Dangling: untagged, and no image made on it.
            if dangling.is_some_and(|d| d != (tags.is_empty() && !self.has_children(&img.id))) {
                continue;
            }
            for (repo, tag) in names {
                let glob = |pattern: &str, text: &str| crate::shell_lex::glob(&pattern.chars().collect::<Vec<_>>(), &text.chars().collect::<Vec<_>>());
                if !references.is_empty() && !references.iter().any(|r| glob(r, &repo) || glob(r, &format!("{repo}:{tag}"))) {
                    continue;
                }
                if let Some(f) = filter {
                    let (frepo, ftag) = match f.rsplit_once(':') {
                        Some((r, t)) => (r, Some(t)),
                        None => (f, None),
                    };
                    if repo != frepo || ftag.is_some_and(|t| t != tag) {
                        continue;
                    }
                }
                if !ids.contains(&img.id) {
                    ids.push(img.id.clone());
                }
                let created = ago(&img.config.created, host.now());
                values.push(serde_json::json!({
                    "Repository": repo, "Tag": tag, "ID": shown(&img.id), "Digest": "<none>", "CreatedSince": created,
                    "CreatedAt": go_time(parse_time(&img.config.created).unwrap_or(0)), "Size": human_size_precision(img.size(), 3), "Containers": "N/A",
                    "VirtualSize": human_size_precision(img.size(), 3), "SharedSize": "N/A", "UniqueSize": "N/A",
                }));
                rows.push(vec![repo, tag, shown(&img.id), created, human_size_precision(img.size(), 3)]);
            }
        }
        if quiet {
            let text: String = ids.iter().map(|id| format!("{}\n", shown(id))).collect();
            return Output { text, status: 0, events: Vec::new() };
        }
        const HEADERS: [(&str, &str); 11] = [
            ("Repository", "REPOSITORY"), ("Tag", "TAG"), ("ID", "IMAGE ID"), ("Digest", "DIGEST"), ("CreatedSince", "CREATED"), ("CreatedAt", "CREATED AT"),
            ("Size", "SIZE"), ("Containers", "CONTAINERS"), ("VirtualSize", "VIRTUAL SIZE"), ("SharedSize", "SHARED SIZE"), ("UniqueSize", "UNIQUE SIZE"),
        ];
        if let Some(result) = format.and_then(|f| f.render(&values, "*formatter.ImageContext", &HEADERS)) {
            return formatted(result);
        }
        Output { text: table(&rows), status: 0, events: Vec::new() }
    }

    pub(crate) fn cmd_history(&self, args: &[&str], host: &dyn Host) -> Output {
        let mut no_trunc = false;
        let mut human = true;
        let mut quiet = false;
        let mut format = None;
        let mut name = None;
        let mut words = args.iter();
        while let Some(a) = words.next() {
            match *a {
                "--no-trunc" => no_trunc = true,
                "-H=false" | "--human=false" => human = false,
                "-H" | "--human" | "-H=true" | "--human=true" => human = true,
                "-q" | "--quiet" => quiet = true,
                "--format" => match words.next() {
                    Some(f) => format = Some(*f),
                    None => return fail("flag needs an argument: --format\nSee 'docker image history --help'.\n".to_string()),
                },
                f if f.starts_with("--format=") => format = Some(&f["--format=".len()..]),
                f if f.starts_with('-') => return unknown_flag(f),
                n if name.is_none() => name = Some(n),
                _ => return fail("\"docker image history\" requires exactly 1 argument.\n".to_string()),
            }
        }
        let format = match format.map(crate::template::ListFormat::parse).transpose() {
            Ok(t) => t,
            Err(e) => return fail(format!("{e}\n")),
        };
        let Some(name) = name else {
            return fail("\"docker image history\" requires exactly 1 argument.\nSee 'docker image history --help'.\n".to_string());
        };
        let Some(img) = self.image(name) else {
            return fail(format!("Error response from daemon: No such image: {name}\n"));
        };
        let mut sizes = img.layer_sizes.iter();
        let mut rows = vec![["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"].map(String::from).to_vec()];
        let mut entries: Vec<Vec<String>> = img
            .config
            .history
            .iter()
            .map(|h| {
                let size = if h.empty_layer { 0 } else { sizes.next().copied().unwrap_or(0) };
                let by = h.created_by.replace('\t', " ");
                let created = if human { ago(&h.created, host.now()) } else { h.created.clone() };
                let size = if human { human_size_precision(size, 3) } else { size.to_string() };
                let by = if no_trunc { by } else { ellipsis(&by, 45) };
                vec!["<missing>".to_string(), created, by, size, h.comment.clone()]
            })
            .collect();
        entries.reverse();
        // Each row from the top takes the next image down the parent chain
        // (the classic builder's step images), as the daemon fills them in.
        let mut id = Some(img.id.clone());
        for entry in &mut entries {
            let Some(this) = id.take() else { break };
            entry[0] = if no_trunc { this.to_string() } else { this.short().to_string() };
            id = self.parents.get(&this).filter(|p| self.images.contains_key(*p)).cloned();
        }
        if quiet {
            return Output { text: entries.iter().map(|e| format!("{}\n", e[0])).collect(), status: 0, events: Vec::new() };
        }
        // Docker's historyContext: CreatedAt is RFC 3339, whatever --human says.
        let created_at = img.config.history.iter().rev().map(|h| h.created.clone());
        let values: Vec<_> = entries.iter().zip(created_at).map(|(e, at)| serde_json::json!({ "ID": e[0], "CreatedSince": e[1], "CreatedAt": at, "CreatedBy": e[2], "Size": e[3], "Comment": e[4] })).collect();
        const HEADERS: [(&str, &str); 6] = [("ID", "IMAGE"), ("CreatedSince", "CREATED"), ("CreatedAt", "CREATED AT"), ("CreatedBy", "CREATED BY"), ("Size", "SIZE"), ("Comment", "COMMENT")];
        if let Some(result) = format.and_then(|f| f.render(&values, "*formatter.historyContext", &HEADERS)) {
            return formatted(result);
        }
        rows.extend(entries);
        Output { text: table(&rows), status: 0, events: Vec::new() }
    }

    pub(crate) fn cmd_tag(&mut self, args: &[&str]) -> Output {
        let [source, target] = args else {
            return fail("\"docker tag\" requires exactly 2 arguments.\nUsage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n".to_string());
        };
        let Some(id) = self.image(source).map(|i| i.id.clone()) else {
            return fail(format!("Error response from daemon: No such image: {source}\n"));
        };
        let target = match normalize_reference(target) {
            Ok(t) => t,
            Err(e) => return fail(format!("Error parsing reference: \"{target}\" is not a valid repository/tag: {e}\n")),
        };
        self.tag(&target, &id);
        Output { text: String::new(), status: 0, events: vec![Event::Tagged { reference: target, id }] }
    }

    pub(crate) fn cmd_rmi(&mut self, args: &[&str]) -> Output {
        let (mut force, mut prune) = (false, true);
        let mut names = Vec::new();
        for a in args {
            match *a {
                "-f" | "--force" => force = true,
                "--no-prune" => prune = false,
                f if f.starts_with('-') => return unknown_flag(f),
                n => names.push(n),
            }
        }
        if names.is_empty() {
            return fail("\"docker rmi\" requires at least 1 argument.\nSee 'docker rmi --help'.\n".to_string());
        }
        let mut text = String::new();
        let mut status = 0;
        let mut events = Vec::new();
        for name in names {
            let Some(id) = self.image(name).map(|i| i.id.clone()) else {
                // The daemon names the reference it looked for: `nope` is `nope:latest`.
                let looked_for = if name.contains([':', '@']) || (name.len() >= 4 && name.bytes().all(|b| b.is_ascii_hexdigit())) { name.to_string() } else { format!("{name}:latest") };
                let _ = writeln!(text, "Error response from daemon: No such image: {looked_for}");
                status = 1;
                continue;
            };
            let tags = self.tags_of(&id);
            let by_tag = normalize_reference(name).ok().filter(|r| tags.contains(r));
            if by_tag.is_none() && self.has_children(&id) {
                let _ = writeln!(text, "Error response from daemon: conflict: unable to delete {} (cannot be forced) - image has dependent child images", id.short());
                status = 1;
                continue;
            }
            // An image a container uses keeps its last name unless forced, and its content always.
            if let Some(c) = self.image_in_use(&id) {
                let last = by_tag.is_none() || tags.len() == 1;
                if last && !force {
                    let what = match &by_tag {
                        Some(_) => format!("unable to remove repository reference \"{name}\" (must force) - container {} is using its referenced image {}", c.short_id(), id.short()),
                        None => format!("unable to delete {} (must be forced) - image is being used by stopped container {}", id.short(), c.short_id()),
                    };
                    let _ = writeln!(text, "Error response from daemon: conflict: {what}");
                    status = 1;
                    continue;
                }
                let untag = match by_tag {
                    Some(r) => vec![r],
                    None => tags.clone(),
                };
                for r in &untag {
                    self.tags.remove(r);
                    let _ = writeln!(text, "Untagged: {r}");
                }
                continue;
            }
            let untag: Vec<String> = match by_tag {
                Some(r) => vec![r],
                None if tags.len() > 1 && !force => {
                    let _ = writeln!(
                        text,
                        "Error response from daemon: conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                        id.short()
                    );
                    status = 1;
                    continue;
                }
                None => tags.clone(),
            };
            for r in &untag {
                self.tags.remove(r);
                let _ = writeln!(text, "Untagged: {r}");
            }
            // Untagged with an image made on it, it stays as that image's parent.
            if self.tags_of(&id).is_empty() && !self.has_children(&id) {
                self.purge_with_parents(&id, prune, ("Untagged", "Deleted"), &mut text, &mut events);
            }
        }
        Output { text, status, events }
    }
}


impl Engine {
    /// Removes an untagged image and writes what went, in the words of the
    /// command (`rmi` capitalises them, `image prune` does not).
    fn purge(&mut self, id: &crate::Digest, (untagged, deleted): (&str, &str), text: &mut String) -> Event {
        for rd in self.repo_digests(id) {
            let _ = writeln!(text, "{untagged}: {rd}");
        }
        let freed = self.remove_image(id);
        let _ = writeln!(text, "{deleted}: {id}");
        for chain in freed {
            let _ = writeln!(text, "{deleted}: {chain}");
        }
        Event::ImageRemoved { id: id.clone() }
    }

    /// [`Engine::purge`], then with `parents` the image's parent, and the
    /// parent's parent…, while untagged and unused (a classic build's step
    /// images).
    fn purge_with_parents(&mut self, id: &crate::Digest, parents: bool, words: (&str, &str), text: &mut String, events: &mut Vec<Event>) {
        let mut parent = self.parents.get(id).cloned().filter(|_| parents);
        events.push(self.purge(id, words, text));
        while let Some(p) = parent.take() {
            if !self.images.contains_key(&p) || !self.tags_of(&p).is_empty() || self.has_children(&p) || self.image_in_use(&p).is_some() {
                break;
            }
            parent = self.parents.get(&p).cloned();
            events.push(self.purge(&p, words, text));
        }
    }

    /// Every layer (diff_id) an image holds, with its size.
    fn layers_of(&self, id: &crate::Digest) -> Vec<(crate::Digest, u64)> {
        self.images.get(id).map(|i| i.diff_ids().iter().cloned().zip(i.layer_sizes.iter().copied()).collect()).unwrap_or_default()
    }

    /// Unique bytes of all images, each layer counted once.
    fn images_disk_usage(&self) -> u64 {
        let mut seen = std::collections::BTreeMap::new();
        for id in self.images.keys() {
            for (d, s) in self.layers_of(id) {
                seen.insert(d, s);
            }
        }
        seen.values().sum()
    }

    pub(crate) fn cmd_image_prune(&mut self, args: &[&str]) -> Output {
        let mut force = false;
        let mut all = false;
        for a in args {
            match *a {
                "-f" | "--force" => force = true,
                "-a" | "--all" => all = true,
                "-af" | "-fa" => {
                    all = true;
                    force = true;
                }
                f => return unknown_flag(f),
            }
        }
        if !force {
            let what = if all { "all images without at least one container associated to them" } else { "all dangling images" };
            return Output {
                text: format!("WARNING! This will remove {what}.\nAre you sure you want to continue? [y/N] \n(this terminal cannot answer prompts: add -f to prune)\n"),
                status: 1,
                events: Vec::new(),
            };
        }
        with_total(self.prune_images(all))
    }

    /// Removes dangling images, or with `all` every image no container
    /// uses: what `image prune` prints before its total, and the bytes freed.
    pub(crate) fn prune_images(&mut self, all: bool) -> (Output, u64) {
        let before = self.images_disk_usage();
        // The images no other image was made on; their untagged parents follow them.
        let victims: Vec<crate::Digest> = self.images.keys().filter(|id| (all || self.tags_of(id).is_empty()) && !self.has_children(id) && self.image_in_use(id).is_none()).cloned().collect();
        let mut text = String::new();
        let mut events = Vec::new();
        if !victims.is_empty() {
            text.push_str("Deleted Images:\n");
        }
        for id in victims {
            for t in self.tags_of(&id) {
                self.tags.remove(&t);
                let _ = writeln!(text, "untagged: {t}");
            }
            self.purge_with_parents(&id, true, ("untagged", "deleted"), &mut text, &mut events);
        }
        if !text.is_empty() {
            text.push('\n');
        }
        (Output { text, status: 0, events }, before.saturating_sub(self.images_disk_usage()))
    }

    /// `docker system prune`: stopped containers, dangling (or with -a,
    /// unused) images, the build cache, and with --volumes anonymous volumes.
    pub(crate) fn cmd_system_prune(&mut self, args: &[&str]) -> Output {
        let (mut force, mut all, mut volumes) = (false, false, false);
        for a in args {
            match *a {
                "-f" | "--force" => force = true,
                "-a" | "--all" => all = true,
                "-af" | "-fa" => (all, force) = (true, true),
                "--volumes" => volumes = true,
                f => return unknown_flag(f),
            }
        }
        if !force {
            let images = if all { "all images without at least one container associated to them" } else { "all dangling images" };
            let vols = if volumes { "  - all anonymous volumes not used by at least one container\n" } else { "" };
            return fail(format!(
                "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n{vols}  - {images}\n  - unused build cache\n\nAre you sure you want to continue? [y/N] \n(this terminal cannot answer prompts: add -f to prune)\n"
            ));
        }
        let mut parts = vec![self.prune_containers(), (self.prune_networks(), 0)];
        if volumes {
            parts.push(self.prune_volumes(false));
        }
        parts.push(self.prune_images(all));
        let (mut out, mut reclaimed) = (Output::default(), 0);
        for (part, bytes) in parts {
            out.text.push_str(&part.text);
            out.events.extend(part.events);
            reclaimed += bytes;
        }
        let (cache, bytes) = self.clear_build_cache();
        if !cache.is_empty() {
            let ids: Vec<&str> = cache.iter().map(|r| r.id.as_str()).collect();
            let _ = writeln!(out.text, "Deleted build cache objects:\n{}\n", ids.join("\n"));
        }
        // One total for all the parts.
        with_total((out, reclaimed + bytes))
    }

    /// Empties the build cache: its records, and the bytes they held.
    fn clear_build_cache(&mut self) -> (Vec<crate::cache::Record>, u64) {
        let records = self.build_cache.clear(std::mem::take(&mut self.cache_mounts));
        let reclaimed = records.iter().map(|r| r.size).sum();
        (records, reclaimed)
    }

    /// `docker builder prune`: the build cache's records and cache mounts.
    pub(crate) fn cmd_builder_prune(&mut self, args: &[&str], host: &dyn Host) -> Output {
        let mut force = false;
        for a in args {
            match *a {
                "-f" | "--force" => force = true,
                // Every record is unused here: -a removes the same.
                "-a" | "--all" => {}
                "-af" | "-fa" => force = true,
                f => return unknown_flag(f),
            }
        }
        if !force {
            return fail("WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] \n(this terminal cannot answer prompts: add -f to prune)\n".to_string());
        }
        let (records, reclaimed) = self.clear_build_cache();
        // buildx prints the header with the first row, then each row on its own.
        let mut rows = vec![["ID", "RECLAIMABLE", "SIZE", "LAST ACCESSED"].map(String::from).to_vec()];
        let mut text = String::new();
        for r in &records {
            let used = match (r.used, host.now()) {
                (Some(t), Some(now)) => format!("{} ago", crate::units::human_duration(now - t)),
                _ => String::new(),
            };
            rows.push(vec![format!("{:<40}", r.id), "true ".to_string(), format!("{:<10}", crate::units::human_size(r.size)), used]);
            text.push_str(&tab_table(&rows));
            rows.clear();
        }
        text.push_str(&tab_table(&[vec!["Total:".to_string(), crate::units::human_size(reclaimed)]]));
        Output { text, status: 0, events: Vec::new() }
    }

    pub(crate) fn cmd_system_df(&self, args: &[&str], host: &dyn Host) -> Output {
        let mut verbose = false;
        for a in args {
            match *a {
                "-v" | "--verbose" => verbose = true,
                f => return unknown_flag(f),
            }
        }
        let human = crate::units::human_size;
        let images = self.images_disk_usage();
        let ((ctotal, cactive, csize, creclaim), (vtotal, vactive, vsize, vreclaim)) = self.df_containers();
        let pct = |part: u64, whole: u64| (part * 100).checked_div(whole).unwrap_or(0);
        if !verbose {
            let active_images = crate::sorting::set_of(self.containers().map(|c| c.image.clone()));
            let mut used_layers = std::collections::BTreeMap::new();
            for id in &active_images {
                for (d, s) in self.layers_of(id) {
                    used_layers.insert(d, s);
                }
            }
            let reclaim = images.saturating_sub(used_layers.values().sum());
            let rows = vec![
                ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"].map(String::from).to_vec(),
                vec!["Images".into(), self.images.keys().filter(|id| !self.intermediate(id)).count().to_string(), active_images.len().to_string(), human(images), format!("{} ({}%)", human(reclaim), pct(reclaim, images))],
                vec!["Containers".into(), ctotal.to_string(), cactive.to_string(), human(csize), format!("{} ({}%)", human(creclaim), pct(creclaim, csize))],
                vec!["Local Volumes".into(), vtotal.to_string(), vactive.to_string(), human(vsize), format!("{} ({}%)", human(vreclaim), pct(vreclaim, vsize))],
                {
                    // Step records (their layers belong to images) and cache mounts' contents.
                    let mounts: u64 = self.cache_mounts.values().map(crate::fs::Tree::size).sum();
                    let records = self.build_cache.len() + self.cache_mounts.len();
                    vec!["Build Cache".into(), records.to_string(), "0".into(), human(mounts), human(mounts)]
                },
            ];
            let mut text = table(&rows);
            text.push_str(&self.storage_drivers());
            return Output { text, status: 0, events: Vec::new() };
        }
        // How many images use each layer: a layer used by two or more is shared.
        let mut users: std::collections::BTreeMap<crate::Digest, usize> = std::collections::BTreeMap::new();
        for id in self.images.keys() {
            let distinct = crate::sorting::set_of(self.layers_of(id).into_iter().map(|(d, _)| d));
            for d in distinct {
                *users.entry(d).or_default() += 1;
            }
        }
        let mut rows = vec![["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"].map(String::from).to_vec()];
        let mut list: Vec<_> = self.images.values().filter(|i| !self.intermediate(&i.id)).collect();
        crate::sorting::sort_by(&mut list, |a, b| parse_time(&b.config.created).cmp(&parse_time(&a.config.created)).then(a.id.cmp(&b.id)));
        for img in list {
            let mut seen = std::collections::BTreeSet::new();
            let (mut shared, mut unique) = (0, 0);
            for (d, s) in self.layers_of(&img.id) {
                if seen.insert(d.clone()) {
                    if users.get(&d).copied().unwrap_or(0) > 1 { shared += s } else { unique += s }
                }
            }
            let tags = self.tags_of(&img.id);
            let (repo, tag) = tags.first().map(|t| split_ref(t)).unwrap_or(("<none>".into(), "<none>".into()));
            let p3 = |n| human_size_precision(n, 3);
            rows.push(vec![repo, tag, img.id.short().into(), ago(&img.config.created, host.now()), p3(img.size()), p3(shared), p3(unique), self.containers().filter(|c| c.image == img.id).count().to_string()]);
        }
        let mut text = String::from("Images space usage:\n\n");
        text.push_str(&table(&rows));
        text.push_str("\nContainers space usage:\n\n");
        let mut rows = vec![["CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES"].map(String::from).to_vec()];
        let mut list: Vec<_> = self.containers().collect();
        crate::sorting::sort_by(&mut list, |a, b| b.seq.cmp(&a.seq));
        for c in list {
            let command = c.command_column(false);
            let (created, status) = (format!("{} ago", crate::containers::since(c.created, host.now())), crate::containers::status_text(c, host.now()));
            rows.push(vec![c.short_id().to_string(), c.image_name.clone(), command, c.mounts.len().to_string(), human(c.writable.size()), created, status, c.name.clone()]);
        }
        text.push_str(&table(&rows));
        text.push_str("\nLocal Volumes space usage:\n\n");
        let mut rows = vec![["VOLUME NAME", "LINKS", "SIZE"].map(String::from).to_vec()];
        for v in self.volumes_view() {
            rows.push(vec![v.name.clone(), v.used_by.len().to_string(), human(v.size)]);
        }
        text.push_str(&table(&rows));
        text.push_str("\nBuild cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n");
        Output { text, status: 0, events: Vec::new() }
    }
}

/// Names in as many columns as fit in `width`, filled down each column
/// (GNU ls's layout on a terminal, its `calculate_columns`): each column as
/// wide as its longest name plus two spaces (the layout's last column
/// without them), 3 at least; the most columns (at most width / 3) whose line stays
/// shorter than `width`.
pub fn columns(names: &[String], width: usize) -> String {
    if names.is_empty() {
        return String::new();
    }
    let len = |n: &String| n.chars().count();
    let most = names.len().min((width / 3).max(1));
    let (rows, widths) = (1..=most)
        .rev()
        .find_map(|cols| {
            let rows = names.len().div_ceil(cols);
            // Every column is at least 3 wide (a name of one character and two spaces).
            let mut widths = vec![3usize; cols];
            for (f, n) in names.iter().enumerate() {
                let at = f / rows;
                widths[at] = widths[at].max(len(n) + if at + 1 == cols { 0 } else { 2 });
            }
            (cols == 1 || widths.iter().sum::<usize>() < width).then_some((rows, widths))
        })
        .unwrap_or((names.len(), vec![0]));
    let mut out = String::new();
    for r in 0..rows {
        let mut at = r;
        let mut col = 0;
        while let Some(n) = names.get(at) {
            out.push_str(n);
            at += rows;
            if at < names.len() {
                out.push_str(&" ".repeat(widths[col].saturating_sub(len(n))));
            }
            col += 1;
        }
        out.push('\n');
    }
    out
}

/// BusyBox ls's layout on a terminal: every column as wide as the longest
/// name and two spaces, as many as fit in `width`, filled down each column.
pub fn busybox_columns(names: &[String], width: usize) -> String {
    let len = |n: &String| n.chars().count();
    let column = names.iter().map(len).max().unwrap_or(0) + 2;
    let cols = (width / column).max(1);
    let rows = names.len().div_ceil(cols);
    let mut out = String::new();
    for r in 0..rows {
        let cells: Vec<&String> = (0..cols).filter_map(|c| names.get(c * rows + r)).collect();
        for (i, n) in cells.iter().enumerate() {
            out.push_str(n);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(column - len(n)));
            }
        }
        out.push('\n');
    }
    out
}
