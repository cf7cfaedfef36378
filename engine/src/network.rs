//! Networks: Docker's three predefined ones (the default `bridge`,
//! 172.17.0.0/16; `host`; `none`) and the bridges `docker network create`
//! makes (172.18.0.0/16, 172.19…). On a network of its own a container finds
//! the others by name (Docker's embedded DNS at 127.0.0.11); on the default
//! bridge it cannot, and containers on two different networks cannot reach
//! each other. `http` routes requests by these rules.

use crate::console::Output;
use crate::runtime::State;
use crate::{Digest, Engine};

/// A network `docker network create` made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    pub name: String,
    pub id: String,
    /// Its addresses are 172.`subnet`.0.0/16, the gateway .0.1.
    pub subnet: u8,
    pub created: Option<i64>,
}

/// The networks every Docker host has: (name, driver).
pub const PREDEFINED: [(&str, &str); 3] = [("bridge", "bridge"), ("host", "host"), ("none", "null")];

/// A predefined network's ID.
pub fn predefined_id(name: &str) -> String {
    Digest::of(format!("network {name}").as_bytes()).hex().to_string()
}

impl Engine {
    /// A network by name or ID prefix: (name, ID, subnet; 0 for host and none).
    pub(crate) fn network(&self, name: &str) -> Option<(String, String, u8)> {
        if let Some((n, _)) = PREDEFINED.iter().find(|(n, _)| *n == name || predefined_id(n).starts_with(name) && name.len() >= 3) {
            return Some((n.to_string(), predefined_id(n), if *n == "bridge" { 17 } else { 0 }));
        }
        self.networks.values().find(|n| n.name == name || n.id.starts_with(name) && name.len() >= 3).map(|n| (n.name.clone(), n.id.clone(), n.subnet))
    }

    /// The running containers attached to network `name`.
    fn attached(&self, name: &str) -> Vec<&crate::runtime::Container> {
        self.containers.values().filter(|c| c.network == name && matches!(c.state, State::Running | State::Paused)).collect()
    }

    pub(crate) fn cmd_network(&mut self, args: &[&str], now: Option<i64>) -> Output {
        let usage = "\nUsage:  docker network COMMAND\n\nManage networks\n\nCommands:\n  connect     Connect a container to a network\n  create      Create a network\n  disconnect  Disconnect a container from a network\n  inspect     Display detailed information on one or more networks\n  ls          List networks\n  prune       Remove all unused networks\n  rm          Remove one or more networks\n\nRun 'docker network COMMAND --help' for more information on a command.\n";
        let Some((sub, rest)) = args.split_first() else { return Output { text: usage.to_string(), status: 0, events: Vec::new() } };
        let names: Vec<&str> = rest.iter().copied().filter(|a| !a.starts_with('-')).collect();
        let fail = |text: String| Output { text, status: 1, events: Vec::new() };
        match *sub {
            "create" => {
                let mut it = rest.iter();
                while let Some(a) = it.next() {
                    match *a {
                        "-d" | "--driver" => match it.next() {
                            Some(&"bridge") => {}
                            Some(d) => return fail(format!("docker network create --driver {d}: only the bridge driver is simulated in this version of Layer Lab\n")),
                            None => return fail("flag needs an argument: 'd' in -d\n".to_string()),
                        },
                        "--subnet" | "--gateway" | "--ip-range" | "-o" | "--opt" | "--ipv6" | "--internal" | "--attachable" => {
                            return fail(format!("docker network create {a}: not simulated in this version of Layer Lab (networks get 172.18.0.0/16, 172.19.0.0/16…)\n"));
                        }
                        _ => {}
                    }
                }
                let [name] = names.as_slice() else {
                    return fail("\"docker network create\" requires exactly 1 argument.\nSee 'docker network create --help'.\n".to_string());
                };
                if self.network(name).is_some_and(|(n, _, _)| n == *name) {
                    return fail(format!("Error response from daemon: network with name {name} already exists\n"));
                }
                let Some(subnet) = (18..=31).find(|s| !self.networks.values().any(|n| n.subnet == *s)) else {
                    return fail("Error response from daemon: all predefined address pools have been fully subnetted\n".to_string());
                };
                let id = Digest::of(format!("network {name} {}", self.seq).as_bytes()).hex().to_string();
                self.seq += 1;
                self.networks.insert(name.to_string(), Network { name: name.to_string(), id: id.clone(), subnet, created: now });
                Output { text: format!("{id}\n"), status: 0, events: Vec::new() }
            }
            "ls" | "list" => {
                if let Some(flag) = rest.iter().find(|a| !matches!(**a, "-q" | "--quiet" | "--no-trunc")) {
                    return fail(format!("docker network ls {flag}: not simulated in this version of Layer Lab (-q is)\n"));
                }
                let mut rows: Vec<(String, String, String)> = PREDEFINED.iter().map(|(n, d)| (n.to_string(), predefined_id(n), d.to_string())).collect();
                rows.extend(self.networks.values().map(|n| (n.name.clone(), n.id.clone(), "bridge".to_string())));
                crate::sorting::sort_by_key(&mut rows, |r| r.0.clone());
                let shown = |id: &str| if rest.contains(&"--no-trunc") { id.to_string() } else { id.chars().take(12).collect() };
                if rest.iter().any(|a| *a == "-q" || *a == "--quiet") {
                    return Output { text: rows.iter().map(|r| format!("{}\n", shown(&r.1))).collect(), status: 0, events: Vec::new() };
                }
                let mut table = vec![["NETWORK ID", "NAME", "DRIVER", "SCOPE"].map(String::from).to_vec()];
                table.extend(rows.into_iter().map(|(n, id, d)| vec![shown(&id), n, d, "local".to_string()]));
                Output { text: crate::listing::table(&table), status: 0, events: Vec::new() }
            }
            "rm" | "remove" => {
                let mut out = Output::default();
                for name in names {
                    match self.network(name) {
                        None => {
                            out.text.push_str(&format!("Error response from daemon: network {name} not found\n"));
                            out.status = 1;
                        }
                        Some((n, _, _)) if PREDEFINED.iter().any(|(p, _)| *p == n) => {
                            out.text.push_str(&format!("Error response from daemon: {n} is a pre-defined network and cannot be removed\n"));
                            out.status = 1;
                        }
                        Some((n, id, _)) if !self.attached(&n).is_empty() => {
                            out.text.push_str(&format!("Error response from daemon: error while removing network: network {n} id {id} has active endpoints\n"));
                            out.status = 1;
                        }
                        Some((n, _, _)) => {
                            self.networks.remove(&n);
                            out.text.push_str(&format!("{name}\n"));
                        }
                    }
                }
                out
            }
            "prune" => {
                if !rest.iter().any(|a| *a == "-f" || *a == "--force") {
                    return fail("WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] \n(this terminal cannot answer prompts: add -f to prune)\n".to_string());
                }
                self.prune_networks()
            }
            "inspect" => self.cmd_inspect_kind(rest, Some("network")),
            "connect" | "disconnect" => fail(format!("docker network {sub}: not simulated in this version of Layer Lab: a container is on one network, the one `docker run --network` gave it\n")),
            "--help" => Output { text: usage.to_string(), status: 0, events: Vec::new() },
            other => fail(format!("docker: unknown command: docker network {other}\n{usage}")),
        }
    }

    /// Removes the networks no container is attached to: `network prune`'s
    /// and `system prune`'s "Deleted Networks:".
    pub(crate) fn prune_networks(&mut self) -> Output {
        let unused: Vec<String> = self.networks.keys().filter(|n| !self.containers.values().any(|c| &c.network == *n)).cloned().collect();
        let mut text = String::new();
        if !unused.is_empty() {
            text.push_str("Deleted Networks:\n");
        }
        for n in &unused {
            self.networks.remove(n);
            text.push_str(&format!("{n}\n"));
        }
        if !unused.is_empty() {
            text.push('\n');
        }
        Output { text, status: 0, events: Vec::new() }
    }

    /// `docker network inspect`'s object for one network.
    pub(crate) fn network_json(&self, name: &str, id: &str, subnet: u8) -> serde_json::Value {
        let driver = PREDEFINED.iter().find(|(n, _)| *n == name).map_or("bridge", |(_, d)| *d);
        let created = self.networks.get(name).and_then(|n| n.created);
        let config = if subnet == 0 { serde_json::json!([]) } else { serde_json::json!([{ "Subnet": format!("172.{subnet}.0.0/16"), "Gateway": format!("172.{subnet}.0.1") }]) };
        let containers: serde_json::Map<String, serde_json::Value> = self
            .attached(name)
            .into_iter()
            .map(|c| {
                let v = serde_json::json!({
                    "Name": c.name, "EndpointID": Digest::of(format!("endpoint {}", c.id).as_bytes()).hex(),
                    "MacAddress": c.mac(), "IPv4Address": if c.ip().is_empty() { String::new() } else { format!("{}/16", c.ip()) }, "IPv6Address": ""
                });
                (c.id.clone(), v)
            })
            .collect();
        serde_json::json!({
            "Name": name, "Id": id, "Created": created.map_or("0001-01-01T00:00:00Z".to_string(), crate::date::rfc3339),
            "Scope": "local", "Driver": driver, "EnableIPv4": true, "EnableIPv6": false,
            "IPAM": { "Driver": "default", "Options": null, "Config": config },
            "Internal": false, "Attachable": false, "Ingress": false, "ConfigFrom": { "Network": "" }, "ConfigOnly": false,
            "Containers": containers, "Options": {}, "Labels": {}
        })
    }
}
