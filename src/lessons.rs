//! Guided lessons, one per flow of the classroom notes: each sets up its
//! files, proposes the notes' commands (a click types and runs one), says
//! what to look at, and checks the engine's state after every command. The
//! checks ask the engine read-only questions on a copy of it
//! ([`Session::query`]); they never change what the learner built.

use crate::session::Session;
use gloo_storage::Storage;
use layerlab_engine::Output;
use leptos::prelude::*;

pub struct Check {
    pub label: &'static str,
    /// Console lines whose answers the check reads.
    pub queries: &'static [&'static str],
    pub pass: fn(&[Output]) -> bool,
}

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub files: &'static [(&'static str, &'static str)],
    pub steps: &'static [&'static str],
    pub look: &'static str,
    pub checks: &'static [Check],
}

/// The layers an inspect printed as JSON (`{{json .RootFS.Layers}}`).
fn layers(o: &Output) -> Option<Vec<String>> {
    (o.status == 0).then(|| serde_json::from_str(o.text.trim()).ok()).flatten()
}

fn ok_with(o: &Output, text: &str) -> bool {
    o.status == 0 && o.text.contains(text)
}

/// Bytes of a size as Docker prints it (`1.024MB`, `512kB`, `0B`).
fn bytes(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "B" => 1.0,
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    decimal(number).map(|n| n * scale)
}

/// `1.024` as a number. Not `str::parse::<f64>`: that brings the standard
/// library's float-parsing tables (about 10 kB) into the download.
fn decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole.parse::<u64>().ok()? as f64;
    if fraction.is_empty() {
        return Some(whole);
    }
    Some(whole + fraction.parse::<u64>().ok()? as f64 / 10f64.powi(fraction.len() as i32))
}

/// A whole number of bytes (`docker image inspect --format '{{.Size}}'`).
fn count(o: &Output) -> Option<f64> {
    (o.status == 0).then(|| o.text.trim().parse::<u64>().ok().map(|n| n as f64)).flatten()
}

/// `docker ps -s`'s SIZE column (`0B (virtual 8.87MB)`) as (size, virtual) bytes.
fn ps_size(o: &Output) -> Option<(f64, f64)> {
    let (size, rest) = o.text.trim().split_once(" (virtual ")?;
    Some((bytes(size)?, bytes(rest.strip_suffix(')')?)?))
}

/// A row of `docker system df`'s storage-driver table: (image layers, containers, total) bytes.
fn driver_row(o: &Output, driver: &str) -> Option<(f64, f64, f64)> {
    let row = o.text.lines().find(|l| l.split_whitespace().next() == Some(driver))?;
    let cells: Vec<f64> = row.split_whitespace().skip(1).map(bytes).collect::<Option<_>>()?;
    match cells[..] {
        [layers, containers, total] => Some((layers, containers, total)),
        _ => None,
    }
}

/// The lessons' image with a 1 MB layer on alpine.
const MEGABYTE_LAYER: &str = "FROM alpine\nRUN dd if=/dev/zero of=/big bs=1k count=1000\n";


pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "layers",
        title: "1. Which instructions make layers (Experiments 1–4)",
        intro: "Four Dockerfiles on alpine: LABEL and CMD only; one ADD; three RUNs; one chained RUN. Build each and compare their layers with alpine's.",
        files: &[
            ("exp1", "FROM alpine\nlabel author=khaja\nCMD [\"sleep\", \"1d\"]\n"),
            ("exp2", "FROM alpine\nlabel author=khaaja\nADD 1.txt /\nCMD [\"sleep\", \"1d\"]\n"),
            ("exp3", "FROM alpine\nlabel author=khaaja\nRUN echo \"one\" > 1.txt\nRUN echo \"two\" > 2.txt\nRUN echo \"three\" > 3.txt\nCMD [\"sleep\", \"1d\"]\n"),
            ("exp4", "FROM alpine\nlabel author=khaaja\nRUN echo \"one\" > 1.txt && \\\n  echo \"two\" > 2.txt && \\\n  echo \"three\" > 3.txt\nCMD [\"sleep\", \"1d\"]\n"),
            ("1.txt", "one\n"),
        ],
        steps: &[
            "docker image pull alpine",
            "docker image build -t exp1 -f exp1 .",
            "docker image build -t exp2 -f exp2 .",
            "docker image build -t exp3 -f exp3 .",
            "docker image build -t exp4 -f exp4 .",
            "docker image inspect exp1 --format '{{json .RootFS}}'",
        ],
        look: "In Images, alpine's layer is drawn once and every experiment sits on it: exp1 has no layer of its own, exp2 one, exp3 three, exp4 one. (docker image ls says the experiments were created 56 years ago: Layer Lab builds as SOURCE_DATE_EPOCH=0 docker build does, dating what it builds 1970-01-01, so the same Dockerfile and files always give the same IDs.)",
        checks: &[
            Check {
                label: "exp1 has exactly alpine's layers",
                queries: &["docker inspect exp1 --format '{{json .RootFS.Layers}}'", "docker inspect alpine --format '{{json .RootFS.Layers}}'"],
                pass: |o| layers(&o[0]).is_some() && layers(&o[0]) == layers(&o[1]),
            },
            Check {
                label: "exp2 adds one layer on top of alpine's",
                queries: &["docker inspect exp2 --format '{{json .RootFS.Layers}}'", "docker inspect alpine --format '{{json .RootFS.Layers}}'"],
                pass: |o| matches!((layers(&o[0]), layers(&o[1])), (Some(a), Some(b)) if a.len() == b.len() + 1 && a.starts_with(&b)),
            },
            Check {
                label: "exp3's three RUNs make three layers, exp4's one chained RUN makes one",
                queries: &["docker inspect exp3 --format '{{json .RootFS.Layers}}'", "docker inspect exp4 --format '{{json .RootFS.Layers}}'", "docker inspect alpine --format '{{json .RootFS.Layers}}'"],
                pass: |o| matches!((layers(&o[0]), layers(&o[1]), layers(&o[2])), (Some(a), Some(b), Some(c)) if a.len() == c.len() + 3 && b.len() == c.len() + 1),
            },
        ],
    },
    Lesson {
        id: "containers",
        title: "2. Two containers, two writable layers",
        intro: "springpetclinic:1.0 is openjdk:8 plus one COPY. Start two containers from it and change a file in one of them.",
        files: &[
            ("petclinic.Dockerfile", "FROM openjdk:8\nCOPY spring-petclinic.jar /spring-petclinic.jar\nEXPOSE 8080\nCMD [\"java\", \"-jar\", \"/spring-petclinic.jar\"]\n"),
            ("spring-petclinic.jar", "PK (a simulated jar)\n"),
        ],
        steps: &[
            "docker image build -t springpetclinic:1.0 -f petclinic.Dockerfile .",
            "docker container run --name cont1 -d -P springpetclinic:1.0",
            "docker container run --name cont2 -d -P springpetclinic:1.0",
            "docker exec cont1 sh -c 'echo hello > /hello.txt && echo more >> /etc/passwd'",
            "docker exec cont2 cat /hello.txt",
            "docker ps -s",
            "docker diff cont1",
        ],
        look: "Both containers sit on the image. cont1's writable layer holds /hello.txt and a copy of /etc/passwd (copied up when changed); cont2's does not. docker ps -s: SIZE is the writable layer, virtual adds the image.",
        checks: &[
            Check { label: "cont1 sees its new file", queries: &["docker exec cont1 cat /hello.txt"], pass: |o| ok_with(&o[0], "hello") },
            Check { label: "cont2 does not see it", queries: &["docker exec cont2 cat /hello.txt", "docker exec cont2 true"], pass: |o| o[0].status != 0 && o[1].status == 0 },
            Check { label: "changing an image file copied it up into cont1 only", queries: &["docker diff cont1", "docker diff cont2"], pass: |o| ok_with(&o[0], "C /etc/passwd") && o[1].status == 0 && !o[1].text.contains("/etc/passwd") },
            Check { label: "the image did not change", queries: &["docker run --rm springpetclinic:1.0 cat /hello.txt", "docker image inspect springpetclinic:1.0"], pass: |o| o[0].status != 0 && o[1].status == 0 },
        ],
    },
    Lesson {
        id: "deletion",
        title: "3. Deleting in a later layer does not shrink the image",
        intro: "A 100 kB file made in one RUN and removed in the next: the second layer holds a whiteout that hides it.",
        files: &[("deletion.Dockerfile", "FROM alpine\nRUN dd if=/dev/zero of=/big bs=1k count=100\nRUN rm /big\n")],
        steps: &["docker build -t deletion -f deletion.Dockerfile .", "docker image history deletion", "docker run --rm deletion ls /big"],
        look: "Open the top layer in Images: it deletes /big (a whiteout); the layer below still adds 102 kB, and the explorer counts them as wasted.",
        checks: &[
            Check { label: "/big is gone from the container's view", queries: &["docker run --rm deletion ls /big", "docker image inspect deletion"], pass: |o| o[0].status != 0 && o[1].status == 0 },
            Check {
                label: "the image is still 100 kB bigger than alpine",
                queries: &["docker image inspect deletion --format '{{.Size}}'", "docker image inspect alpine --format '{{.Size}}'"],
                pass: |o| matches!((o[0].text.trim().parse::<u64>(), o[1].text.trim().parse::<u64>()), (Ok(a), Ok(b)) if o[0].status == 0 && a >= b + 102_400),
            },
        ],
    },
    Lesson {
        id: "cache",
        title: "4. The build cache, and why instruction order matters",
        intro: "Build twice: the second build reuses every step. Then edit hello.txt and build again: the cache breaks at its COPY, and every step after it runs again.",
        files: &[("cache.Dockerfile", "FROM alpine\nRUN echo installing dependencies > /deps\nCOPY hello.txt /\nRUN cat /hello.txt > /built\n"), ("hello.txt", "hello, layers\n")],
        steps: &["docker build -t cached -f cache.Dockerfile .", "docker build -t cached -f cache.Dockerfile ."],
        look: "The second build says CACHED for every step. Change hello.txt in the editor and build again: the RUN before the COPY stays CACHED, the COPY says why it missed.",
        checks: &[
            Check { label: "a rebuild now reuses every step", queries: &["docker build -t cached -f cache.Dockerfile ."], pass: |o| o[0].status == 0 && o[0].text.matches("CACHED").count() >= 4 },
        ],
    },
    Lesson {
        id: "multistage",
        title: "5. Multi-stage: a single-layer image",
        intro: "Build in a first stage, then copy only the result into an image FROM scratch.",
        files: &[("multistage.Dockerfile", "FROM alpine AS build\nRUN mkdir -p /bin/project && echo 'echo hello from the app' > /bin/project/run\n\nFROM scratch\nCOPY --from=build /bin/project /bin/project\nENTRYPOINT [\"/bin/project/run\"]\nCMD [\"--help\"]\n")],
        steps: &["docker build -t project -f multistage.Dockerfile .", "docker image history project"],
        look: "project has one layer and no base: the build stage's layers stayed out of it.",
        checks: &[Check { label: "project has a single layer", queries: &["docker inspect project --format '{{json .RootFS.Layers}}'"], pass: |o| layers(&o[0]).is_some_and(|l| l.len() == 1) }],
    },
    Lesson {
        id: "volumes",
        title: "6. A database keeps its rows only in a volume",
        intro: "MySQL's data directory is /var/lib/mysql. In the container's writable layer (an anonymous volume here) the rows go with the container; in a named volume they stay.",
        files: &[],
        steps: &[
            "docker volume create dbdata",
            "docker run -d --name db1 -e MYSQL_ROOT_PASSWORD=rootroot -e MYSQL_DATABASE=employees -v dbdata:/var/lib/mysql mysql",
            "docker exec db1 mysql --password=rootroot employees -e 'CREATE TABLE Persons (PersonID int, LastName varchar(255))'",
            "docker exec db1 mysql --password=rootroot employees -e \"INSERT INTO Persons VALUES (1, 'test')\"",
            "docker rm -f db1",
            "docker run -d --name db2 -e MYSQL_ROOT_PASSWORD=rootroot -v dbdata:/var/lib/mysql mysql",
            "docker exec db2 mysql --password=rootroot employees -e 'SELECT * FROM Persons'",
        ],
        look: "The volume is listed under Images with the container it is mounted in. Try it without -v: the new container starts empty.",
        checks: &[Check {
            label: "db2 reads the row db1 wrote",
            queries: &["docker exec db2 mysql --password=rootroot employees -e 'SELECT * FROM Persons'"],
            pass: |o| ok_with(&o[0], "|        1 | test     |"),
        }],
    },
    Lesson {
        id: "shared",
        title: "7. Shared base layers are stored once",
        intro: "grafana/grafana is built on alpine 3.17: pulling it after alpine:3.17 finds that layer already there.",
        files: &[],
        steps: &["docker pull alpine:3.17", "docker pull grafana/grafana", "docker inspect grafana/grafana | jq -r '.[].RootFS'", "docker system df -v"],
        look: "The pull says Already exists for the shared layer; in Images it is drawn once, with both images that use it.",
        checks: &[Check {
            label: "grafana's first layer is alpine 3.17's",
            queries: &["docker inspect grafana/grafana --format '{{json .RootFS.Layers}}'", "docker inspect alpine:3.17 --format '{{json .RootFS.Layers}}'"],
            pass: |o| matches!((layers(&o[0]), layers(&o[1])), (Some(g), Some(a)) if !a.is_empty() && g.starts_with(&a)),
        }],
    },
    Lesson {
        id: "sizes",
        title: "8. docker ps -s: SIZE and virtual size",
        intro: "Two containers from one image with a 1 MB layer; one of them writes 500 kB. docker ps -s tells them apart.",
        files: &[("sizes.Dockerfile", MEGABYTE_LAYER)],
        steps: &[
            "docker build -t sizes -f sizes.Dockerfile .",
            "docker run -d --name quiet sizes sleep 1d",
            "docker run -d --name busy sizes sleep 1d",
            "docker exec busy dd if=/dev/zero of=/data.bin bs=1k count=500",
            "docker ps -s",
        ],
        look: "SIZE is the container's own writable layer only: 0B for quiet, 512kB for busy (drawn in each container's box). virtual adds the image's layers, which both containers share on disk: counted in each virtual size, stored once.",
        checks: &[
            Check { label: "quiet's writable layer is empty (0B)", queries: &["docker ps -s --filter name=quiet --format '{{.Size}}'"], pass: |o| ps_size(&o[0]).is_some_and(|(s, _)| s == 0.0) },
            Check { label: "busy's writable layer holds the 512kB it wrote", queries: &["docker ps -s --filter name=busy --format '{{.Size}}'"], pass: |o| ps_size(&o[0]).is_some_and(|(s, _)| s == 512_000.0) },
            Check {
                label: "virtual = the image's size + SIZE",
                queries: &["docker ps -s --filter name=quiet --format '{{.Size}}'", "docker ps -s --filter name=busy --format '{{.Size}}'", "docker image inspect sizes --format '{{.Size}}'"],
                pass: |o| match (ps_size(&o[0]), ps_size(&o[1]), count(&o[2])) {
                    // Docker prints 3 significant digits: equal within that rounding.
                    (Some((_, quiet)), Some((size, busy)), Some(image)) => (quiet - image).abs() <= image * 0.006 && (busy - image - size).abs() <= busy * 0.011,
                    _ => false,
                },
            },
        ],
    },
    Lesson {
        id: "copy-up",
        title: "9. Copy-on-write: a changed file is copied up whole",
        intro: "The image holds a 1 MB file. A container appends one short line to it.",
        files: &[("cow.Dockerfile", MEGABYTE_LAYER)],
        steps: &[
            "docker build -t cow -f cow.Dockerfile .",
            "docker run -d --name writer cow sleep 1d",
            "docker exec writer sh -c 'echo one-more-line >> /big'",
            "docker diff writer",
            "docker ps -s --filter name=writer",
            "docker run --rm cow wc -c /big",
        ],
        look: "14 bytes appended, yet writer's writable layer is over 1 MB: overlay2 copies the whole file up into the container's layer the first time the container changes it (C /big, marked in writer's box). The image's layer keeps the original, and a new container still sees it.",
        checks: &[
            Check { label: "docker diff writer shows C /big", queries: &["docker diff writer"], pass: |o| ok_with(&o[0], "C /big") },
            Check { label: "writer's writable layer holds the whole file (over 1 MB) for a 14-byte change", queries: &["docker ps -s --filter name=writer --format '{{.Size}}'"], pass: |o| ps_size(&o[0]).is_some_and(|(s, _)| s >= 1_000_000.0) },
            Check { label: "the image's /big is unchanged: 1024000 bytes", queries: &["docker run --rm cow wc -c /big", "docker exec writer true"], pass: |o| ok_with(&o[0], "1024000") && o[1].status == 0 },
        ],
    },
    Lesson {
        id: "drivers",
        title: "10. Storage drivers: overlay2 shares, vfs copies",
        intro: "The same images and containers under two storage drivers: overlay2 (Docker's, here) and vfs, which has no union mount.",
        files: &[("drivers.Dockerfile", MEGABYTE_LAYER)],
        steps: &[
            "docker build -t drivers -f drivers.Dockerfile .",
            "docker run -d --name d1 drivers sleep 1d",
            "docker run -d --name d2 drivers sleep 1d",
            "docker info --format '{{.Driver}}'",
            "docker system df",
        ],
        look: "docker system df ends with the two drivers side by side. overlay2 stores each layer once (alpine's is shared by both images) and gives each container only its writable layer: two idle containers add 0B. vfs stores each layer as a full copy of everything below it, and each container as a full copy of its image.",
        checks: &[
            Check {
                label: "drivers is alpine's layer plus one layer of its own",
                queries: &["docker inspect drivers --format '{{json .RootFS.Layers}}'", "docker inspect alpine --format '{{json .RootFS.Layers}}'"],
                pass: |o| matches!((layers(&o[0]), layers(&o[1])), (Some(d), Some(a)) if d.len() == a.len() + 1 && d.starts_with(&a)),
            },
            Check {
                label: "a container costs only its writable layer under overlay2, a whole copy of its image under vfs",
                queries: &["docker system df", "docker image inspect drivers --format '{{.Size}}'", "docker ps -q --filter ancestor=drivers"],
                // Other lessons' containers may be there too: d1 and d2 add at least two images' worth to vfs.
                pass: |o| match (driver_row(&o[0], "overlay2"), driver_row(&o[0], "vfs"), count(&o[1])) {
                    (Some((_, overlay, _)), Some((_, vfs, _)), Some(image)) => o[2].text.lines().count() >= 2 && vfs - overlay >= 2.0 * image * 0.999,
                    _ => false,
                },
            },
        ],
    },
    Lesson {
        id: "web",
        title: "11. Two web servers from one image",
        intro: "nginx serves the files of its own container. Start two containers from one image, publish them on two ports, change the page in one of them and ask each with curl.",
        files: &[("site/index.html", "<h1>Hello from the image</h1>\n"), ("web.Dockerfile", "FROM nginx\nCOPY site /usr/share/nginx/html\n")],
        steps: &[
            "docker build -t site -f web.Dockerfile .",
            "docker run -d --name blue -p 8081:80 site",
            "docker run -d --name green -p 8082:80 site",
            "curl localhost:8081",
            "docker exec blue sh -c 'echo \"<h1>Changed in blue</h1>\" > /usr/share/nginx/html/index.html'",
            "curl localhost:8081",
            "curl localhost:8082",
            "docker diff blue",
            "docker logs blue",
        ],
        look: "Each nginx reads its own container's merged view. blue's index.html was copied up into blue's writable layer (C in docker diff, marked in blue's box), so port 8081 serves the change, while green on port 8082 still serves the image's file. Both boxes also list what nginx's start wrote before you touched anything: its entrypoint added an IPv6 listen line to default.conf (copied up, C), and nginx wrote /run/nginx.pid and five temp directories (A). docker logs shows that start, then the requests nginx answered, from 172.17.0.1: the host, through the bridge's gateway.",
        checks: &[
            Check { label: "port 8081 (blue) serves the changed page", queries: &["curl -s localhost:8081"], pass: |o| ok_with(&o[0], "Changed in blue") },
            Check { label: "port 8082 (green) still serves the image's page", queries: &["curl -s localhost:8082"], pass: |o| ok_with(&o[0], "Hello from the image") },
            Check {
                label: "the page was copied up into blue's writable layer only",
                queries: &["docker diff blue", "docker diff green"],
                pass: |o| ok_with(&o[0], "C /usr/share/nginx/html/index.html") && o[1].status == 0 && !o[1].text.contains("index.html"),
            },
            Check { label: "blue's log holds the requests it answered", queries: &["docker logs blue"], pass: |o| ok_with(&o[0], "\"GET / HTTP/1.1\" 200") },
        ],
    },
    Lesson {
        id: "networks",
        title: "12. Finding a container by name: a network of your own",
        intro: "A web server named api, and a client that asks for http://api. On Docker's default bridge the name means nothing; on a network you create, Docker's DNS answers it.",
        files: &[],
        steps: &[
            "docker network create shop",
            "docker run -d --name api --network shop nginx",
            "docker run --rm alpine wget -qO- api",
            "docker run --rm --network shop alpine wget -qO- api",
            "docker run --rm --network shop alpine cat /etc/resolv.conf",
            "docker network inspect shop",
        ],
        look: "The first client, on the default bridge, gets \"bad address 'api'\": nothing there resolves container names. The second, on shop, reaches api by name through Docker's embedded DNS (nameserver 127.0.0.11 in its resolv.conf). docker network inspect lists api with its address on shop's own subnet, 172.18.0.0/16.",
        checks: &[
            Check { label: "the network shop exists", queries: &["docker network inspect shop"], pass: |o| ok_with(&o[0], "\"Subnet\": \"172.") },
            Check { label: "api runs on shop", queries: &["docker inspect -f '{{.NetworkSettings.Networks.shop.IPAddress}}' api"], pass: |o| ok_with(&o[0], "172.") },
            Check {
                label: "by name, api answers a client on shop only",
                queries: &["docker run --rm --network shop alpine wget -qO- api", "docker run --rm alpine wget -qO- api"],
                pass: |o| ok_with(&o[0], "Welcome to nginx!") && o[1].status != 0 && o[1].text.contains("bad address"),
            },
        ],
    },
    Lesson {
        id: "load-balancer",
        title: "13. A load balancer in front of two containers",
        intro: "One nginx passes requests to two others on a network of its own, taking turns. Its configuration is a file of the build context, bind-mounted read-only over the image's default.conf.",
        files: &[("lb.conf", "upstream app {\n    server web1:80;\n    server web2:80;\n}\n\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n")],
        steps: &[
            "docker network create shop",
            "docker run -d --name web1 --network shop nginx",
            "docker run -d --name web2 --network shop nginx",
            "docker exec web1 sh -c 'echo \"<h1>web1</h1>\" > /usr/share/nginx/html/index.html'",
            "docker exec web2 sh -c 'echo \"<h1>web2</h1>\" > /usr/share/nginx/html/index.html'",
            "docker run -d --name lb --network shop -p 8080:80 -v ./lb.conf:/etc/nginx/conf.d/default.conf:ro nginx",
            "curl -s localhost:8080",
            "curl -s localhost:8080",
            "docker logs web2",
            "docker stop web1",
            "curl -s localhost:8080",
        ],
        look: "lb resolves web1 and web2 by name when it starts (start it first and it stops: host not found in upstream), then passes each request to the next server: web1, web2, web1… Each answers from its own writable layer. web2's log shows the request coming from lb's address on shop (172.18.0.4), not from the host. With web1 stopped, lb's connection there is refused and it passes the request on to web2: its log (docker logs lb) records the failure, and curl still gets an answer.",
        checks: &[
            Check { label: "lb runs on shop, published on port 8080", queries: &["docker inspect -f '{{.State.Status}} {{.NetworkSettings.Networks.shop.IPAddress}} {{json .NetworkSettings.Ports}}' lb"], pass: |o| ok_with(&o[0], "running 172.18.") && o[0].text.contains("\"HostPort\":\"8080\"") },
            Check {
                label: "web1 and web2 both answered requests lb passed them (from lb's address on shop)",
                queries: &["docker inspect -f '{{.NetworkSettings.Networks.shop.IPAddress}}' lb", "docker logs web1", "docker logs web2"],
                pass: |o| {
                    let from = format!("{} - - [", o[0].text.trim());
                    ok_with(&o[0], "172.18.") && ok_with(&o[1], &from) && ok_with(&o[2], &from)
                },
            },
            Check {
                label: "with web1 stopped, web2 answers every request",
                queries: &["docker inspect -f '{{.State.Status}}' web1", "curl -s localhost:8080", "curl -s localhost:8080", "docker logs lb"],
                pass: |o| ok_with(&o[0], "exited") && ok_with(&o[1], "<h1>web2</h1>") && ok_with(&o[2], "<h1>web2</h1>") && ok_with(&o[3], "connect() failed (111: Connection refused) while connecting to upstream"),
            },
        ],
    },
];

/// The local-storage key of the lesson open (its id).
pub const LESSON_KEY: &str = "layerlab.lesson";

#[component]
pub fn Lessons() -> impl IntoView {
    let session = expect_context::<Session>();
    // The lesson open is kept over a reload, like the work done in it.
    let storage = gloo_storage::LocalStorage::raw();
    let saved = storage.get_item(LESSON_KEY).ok().flatten();
    let chosen = RwSignal::new(saved.and_then(|id| LESSONS.iter().position(|l| l.id == id)));
    Effect::new(move |_| {
        let _ = match chosen.get() {
            Some(i) => storage.set_item(LESSON_KEY, LESSONS[i].id),
            None => storage.remove_item(LESSON_KEY),
        };
    });
    let results = Memo::new(move |_| {
        session.log.track();
        chosen.get().map(|i| LESSONS[i].checks.iter().map(|c| (c.pass)(&session.query(c.queries))).collect::<Vec<bool>>()).unwrap_or_default()
    });
    view! {
        <section class="panel lessons" aria-labelledby="lessons-title">
            <h2 id="lessons-title">"Lessons"</h2>
            <label for="lesson-choice" class="visually-hidden">"Choose a lesson"</label>
            <select id="lesson-choice" on:change=move |ev| chosen.set(event_target_value(&ev).parse::<usize>().ok())>
                <option value="">"Free sandbox (no lesson)"</option>
                {LESSONS.iter().enumerate().map(|(i, l)| view! { <option value=i.to_string() selected=chosen.get_untracked() == Some(i)>{l.title}</option> }).collect_view()}
            </select>
            {move || chosen.get().map(|i| {
                let lesson = &LESSONS[i];
                view! {
                    <div class="lesson" data-lesson=lesson.id>
                        <p>{lesson.intro}</p>
                        {(!lesson.files.is_empty()).then(|| view! {
                            <button class="setup" on:click=move |_| {
                                for (p, c) in lesson.files {
                                    session.set_file(p, c.to_string());
                                }
                            }>{format!("Add its files ({})", lesson.files.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", "))}</button>
                        })}
                        <ol class="steps">
                            {lesson.steps.iter().map(|step| view! {
                                <li><button class="step" title="run this in the terminal" on:click=move |_| { session.run(step); }><code>{*step}</code></button></li>
                            }).collect_view()}
                        </ol>
                        <p class="look">{lesson.look}</p>
                        <ul class="checks" aria-label="checks" aria-live="polite">
                            {lesson.checks.iter().enumerate().map(|(n, c)| {
                                let done = move || results.with(|r| r.get(n).copied().unwrap_or(false));
                                view! { <li class="check" class:passed=done>{move || if done() { "✓ " } else { "○ " }}{c.label}</li> }
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })}
        </section>
    }
}
