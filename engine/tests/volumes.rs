//! Seed 002's walk-through: a MySQL container loses its rows with the
//! container unless the data directory is a named volume; `docker volume`
//! create/ls/inspect/rm/prune; one volume shared by two containers.

mod common;

use common::ok;
use layerlab_engine::{Engine, MemHost};

/// The seed's SQL session, typed line by line; returns what the SELECT printed.
fn create_and_fill(e: &mut Engine, h: &mut MemHost, container: &str) -> String {
    let banner = ok(e, h, &format!("docker container exec -it {container} mysql --password=rootroot"));
    assert!(banner.starts_with("mysql: [Warning] Using a password on the command line interface can be insecure.\nWelcome to the MySQL monitor."), "{banner}");
    assert_eq!(e.prompt().as_deref(), Some("mysql> "));
    assert_eq!(ok(e, h, "use employees;"), "Database changed\n");
    ok(e, h, "CREATE TABLE Persons (");
    assert_eq!(e.prompt().as_deref(), Some("    -> "), "a statement goes on until ;");
    for line in ["  PersonID int,", "  LastName varchar(255),", "  FirstName varchar(255),", "  Address varchar(255),"] {
        ok(e, h, line);
    }
    assert_eq!(ok(e, h, "  City varchar(255)\n);"), "Query OK, 0 rows affected (0.02 sec)\n\n");
    assert_eq!(ok(e, h, "Insert into Persons Values (1,'test','test', 'test', 'test');"), "Query OK, 1 row affected (0.01 sec)\n\n");
    let select = ok(e, h, "Select * from Persons;");
    assert_eq!(ok(e, h, "exit"), "Bye\n");
    assert!(e.prompt().is_none());
    select
}

fn select(e: &mut Engine, h: &mut MemHost, container: &str) -> String {
    let out = e.run(&format!("docker exec {container} mysql --password=rootroot employees -e 'SELECT * FROM Persons'"), h);
    out.text
}

#[test]
fn mysql_rows_go_with_the_container_unless_they_live_in_a_volume() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    // Without a root password the server refuses to start, as the real image does.
    let refused = e.run("docker run --name nopass mysql", &mut h);
    assert_eq!(refused.status, 1, "{}", refused.text);
    assert!(refused.text.contains("Database is uninitialized and password option is not specified"), "{}", refused.text);
    ok(&mut e, &mut h, "docker rm nopass");

    ok(&mut e, &mut h, "docker container run -d --name mysqlldb -e MYSQL_ROOT_PASSWORD=rootroot -e MYSQL_DATABASE=employees mysql");
    let denied = e.run("docker exec mysqlldb mysql --password=wrong", &mut h);
    assert_eq!(denied.text, "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n");
    let table = create_and_fill(&mut e, &mut h, "mysqlldb");
    assert_eq!(
        table,
        "+----------+----------+-----------+---------+------+\n| PersonID | LastName | FirstName | Address | City |\n+----------+----------+-----------+---------+------+\n|        1 | test     | test      | test    | test |\n+----------+----------+-----------+---------+------+\n1 row in set (0.00 sec)\n\n"
    );
    // The rows are a file in the image's VOLUME (/var/lib/mysql): an anonymous volume.
    let inspect = ok(&mut e, &mut h, "docker inspect -f '{{range .Mounts}}{{.Name}} {{.Destination}}{{end}}' mysqlldb");
    let (anon, dest) = inspect.trim().split_once(' ').unwrap();
    assert_eq!((anon.len(), dest), (64, "/var/lib/mysql"));
    assert!(ok(&mut e, &mut h, "docker diff mysqlldb").lines().all(|l| !l.contains("/var/lib/mysql/")), "writes under a volume do not touch the writable layer");

    // docker rm: a new container starts with a new, empty data directory.
    ok(&mut e, &mut h, "docker rm -f mysqlldb");
    ok(&mut e, &mut h, "docker container run -d --name mysqlldb -e MYSQL_ROOT_PASSWORD=rootroot -e MYSQL_DATABASE=employees mysql");
    assert_eq!(select(&mut e, &mut h, "mysqlldb"), "mysql: [Warning] Using a password on the command line interface can be insecure.\nERROR 1146 (42S02): Table 'employees.Persons' doesn't exist\n", "the row is lost");
    assert!(ok(&mut e, &mut h, "docker volume ls").contains(anon), "the old anonymous volume is left behind (rm without -v)");
    ok(&mut e, &mut h, "docker rm -f -v mysqlldb");

    // With a named volume the row survives the container.
    assert_eq!(ok(&mut e, &mut h, "docker volume create mydata"), "mydata\n");
    ok(&mut e, &mut h, "docker run -d --name db1 -e MYSQL_ROOT_PASSWORD=rootroot -e MYSQL_DATABASE=employees -v mydata:/var/lib/mysql mysql");
    create_and_fill(&mut e, &mut h, "db1");
    let in_use = e.run("docker volume rm mydata", &mut h);
    assert!(in_use.text.starts_with("Error response from daemon: remove mydata: volume is in use - ["), "{}", in_use.text);
    ok(&mut e, &mut h, "docker rm -f db1");
    ok(&mut e, &mut h, "docker run -d --name db2 -e MYSQL_ROOT_PASSWORD=rootroot -v mydata:/var/lib/mysql mysql");
    assert!(select(&mut e, &mut h, "db2").contains("|        1 | test     | test      | test    | test |"), "the row is kept");
    let vol = ok(&mut e, &mut h, "docker volume inspect mydata");
    assert!(vol.contains("\"Mountpoint\": \"/var/lib/docker/volumes/mydata/_data\"") && vol.contains("\"Driver\": \"local\""), "{vol}");
    // A volume's data survives; prune removes only unused anonymous volumes.
    let pruned = ok(&mut e, &mut h, "docker volume prune -f");
    assert!(pruned.contains(anon) && !pruned.contains("mydata"), "{pruned}");
}

#[test]
fn one_volume_in_two_containers_and_first_mount_copies_the_image() {
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN mkdir /data && echo seeded > /data/seed.txt\nVOLUME /data\nCMD [\"sleep\", \"1d\"]\n")]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker build -t vol .");
    ok(&mut e, &mut h, "docker run -d --name w -v shared:/data vol");
    ok(&mut e, &mut h, "docker run -d --name r -v shared:/data vol");
    assert_eq!(ok(&mut e, &mut h, "docker exec r cat /data/seed.txt"), "seeded\n", "an empty volume is filled from the image on first mount");
    ok(&mut e, &mut h, "docker exec w sh -c 'echo from-w > /data/note.txt'");
    assert_eq!(ok(&mut e, &mut h, "docker exec r cat /data/note.txt"), "from-w\n", "both see the same volume");
    let (rw, _) = e.container_sizes(e.containers().find(|c| c.name == "w").unwrap());
    assert_eq!(rw, 0, "the write went to the volume, not the writable layer");
    // VOLUME in the image: each container gets its own anonymous volume.
    ok(&mut e, &mut h, "docker run -d --name a1 vol");
    ok(&mut e, &mut h, "docker run -d --name a2 vol");
    ok(&mut e, &mut h, "docker exec a1 sh -c 'echo a1 > /data/mine.txt'");
    assert_eq!(e.run("docker exec a2 cat /data/mine.txt", &mut h).status, 1);
    let before = e.volumes().count();
    ok(&mut e, &mut h, "docker rm -f -v a1");
    assert_eq!(e.volumes().count(), before - 1, "rm -v removes the container's anonymous volume");
    let df = ok(&mut e, &mut h, "docker system df");
    assert!(df.contains("Local Volumes   ") && df.contains("\nvfs "), "{df}");
    let info = ok(&mut e, &mut h, "docker info");
    assert!(info.contains(" Containers: 3\n  Running: 3\n  Paused: 0\n  Stopped: 0\n Images: 2\n") && info.contains(" Storage Driver: overlay2\n") && info.contains(" Docker Root Dir: /var/lib/docker\n"), "{info}");
}

#[test]
fn system_df_verbose_lists_containers_and_volumes() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker run -d --name w -v data:/data busybox sleep 1d");
    ok(&mut e, &mut h, "docker exec w sh -c 'echo 12345 > /data/f && echo abc > /g'");
    let df = ok(&mut e, &mut h, "docker system df -v");
    let containers = &df[df.find("Containers space usage:").unwrap()..df.find("Local Volumes space usage:").unwrap()];
    let row = containers.lines().find(|l| l.ends_with(" w")).unwrap_or_else(|| panic!("{df}"));
    assert!(row.contains("busybox") && row.contains("\"sleep 1d\"") && row.contains(" 1 ") && row.contains(" 4B ") && row.contains(" Less than a second ago ") && row.contains(" Up Less than a second "), "{row}");
    // The image's row counts the container that uses it.
    let images = &df[..df.find("Containers space usage:").unwrap()];
    let busybox = images.lines().find(|l| l.starts_with("busybox ")).unwrap_or_else(|| panic!("{df}"));
    assert!(busybox.ends_with(" 1"), "{busybox}");
    let volumes = &df[df.find("Local Volumes space usage:").unwrap()..];
    assert!(volumes.lines().any(|l| l.starts_with("data ") && l.contains(" 1 ") && l.ends_with("6B")), "{volumes}");
}

/// The host's files a bind mount shows: the build context (MemHost here).
fn site_host() -> MemHost {
    MemHost::new([("site/index.html", "<h1>from the host</h1>\n"), ("nginx.conf", "server { listen 80; root /srv; }\n"), ("Dockerfile", "FROM alpine\n")])
}

#[test]
fn a_bind_mount_shows_the_host_folder_and_writes_back_to_it() {
    let (mut e, mut h) = (Engine::default(), site_host());
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name web -v $(pwd)/site:/usr/share/nginx/html nginx");
    // The image's index.html is hidden by the mount: the host's is served.
    assert_eq!(ok(&mut e, &mut h, "curl -s localhost:8080"), "<h1>from the host</h1>\n");
    // An edit on the host (the page's editor) is seen at the next line.
    h.files.insert("site/index.html".to_string(), b"<h1>edited</h1>\n".to_vec());
    assert_eq!(ok(&mut e, &mut h, "curl -s localhost:8080"), "<h1>edited</h1>\n");
    // What the container writes or removes there lands on the host, and in no layer.
    ok(&mut e, &mut h, "docker exec web sh -c 'echo made > /usr/share/nginx/html/new.txt && mkdir /usr/share/nginx/html/d && echo deep > /usr/share/nginx/html/d/f'");
    assert_eq!(h.files["site/new.txt"], b"made\n");
    assert_eq!(h.files["site/d/f"], b"deep\n");
    ok(&mut e, &mut h, "docker exec web rm /usr/share/nginx/html/new.txt");
    assert!(!h.files.contains_key("site/new.txt"));
    assert!(!ok(&mut e, &mut h, "docker diff web").contains("/usr/share/nginx/html"));
    let mounts = ok(&mut e, &mut h, "docker inspect -f '{{json .Mounts}}' web");
    assert_eq!(mounts, "[{\"Type\":\"bind\",\"Source\":\"/home/learner/site\",\"Destination\":\"/usr/share/nginx/html\",\"Mode\":\"\",\"RW\":true,\"Propagation\":\"rprivate\"}]\n");
    // A bind mount is not a volume.
    assert_eq!(ok(&mut e, &mut h, "docker volume ls -q"), "");
    assert!(e.volumes_view().is_empty());
    // Committing leaves the mounted files out, as Docker does.
    ok(&mut e, &mut h, "docker commit web snap");
    assert!(ok(&mut e, &mut h, "docker run --rm snap cat /usr/share/nginx/html/index.html").contains("Welcome to nginx!"));
}

#[test]
fn bind_mounts_of_a_file_read_only_and_refused() {
    let (mut e, mut h) = (Engine::default(), site_host());
    // One file over the image's, read-only.
    ok(&mut e, &mut h, "docker run -d --name web -v ./nginx.conf:/etc/nginx/conf.d/default.conf:ro -v ./site:/srv nginx");
    assert_eq!(ok(&mut e, &mut h, "docker exec web cat /etc/nginx/conf.d/default.conf"), "server { listen 80; root /srv; }\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec web curl -s localhost"), "<h1>from the host</h1>\n");
    // Writing there fails, as the kernel refuses it; what a command still changed there is discarded, and said.
    let out = e.run("docker exec web sh -c 'echo x > /etc/nginx/conf.d/default.conf'", &mut h);
    assert_eq!((out.status, out.text.as_str()), (2, "sh: 1: cannot create /etc/nginx/conf.d/default.conf: Read-only file system\n"));
    let out = e.run("docker exec web rm /etc/nginx/conf.d/default.conf", &mut h);
    assert_eq!((out.status, out.text.as_str()), (1, "rm: cannot remove '/etc/nginx/conf.d/default.conf': Read-only file system\n"));
    let out = ok(&mut e, &mut h, "docker exec web chmod 600 /etc/nginx/conf.d/default.conf");
    assert_eq!(out, "layerlab: /etc/nginx/conf.d/default.conf is mounted read-only: what the command wrote under it was discarded (a real container's write fails with \"Read-only file system\")\n");
    assert_eq!(h.files["nginx.conf"], b"server { listen 80; root /srv; }\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec web cat /etc/nginx/conf.d/default.conf"), "server { listen 80; root /srv; }\n");
    // What a --rm container writes there before it goes is kept on the host.
    ok(&mut e, &mut h, "docker run --rm -v ./out:/w alpine sh -c 'echo once > /w/f'");
    assert_eq!(h.files["out/f"], b"once\n");
    // -v makes a missing folder; --mount does not.
    ok(&mut e, &mut h, "docker run --rm -v ./empty:/data alpine ls /data");
    let out = e.run("docker run --rm --mount type=bind,source=./nope,target=/x alpine true", &mut h);
    assert_eq!((out.status, out.text.as_str()), (125, "docker: Error response from daemon: invalid mount config for type \"bind\": bind source path does not exist: /home/learner/nope\n"));
    let out = e.run("docker run --rm -v /etc:/host alpine true", &mut h);
    assert_eq!((out.status, out.text.as_str()), (125, "docker: bind mounts reach only the folder this terminal is in (/home/learner, the build context): /etc is outside it\n"));
    assert_eq!(ok(&mut e, &mut h, "docker run --rm --mount type=bind,src=.,dst=/ctx,readonly alpine ls /ctx"), "Dockerfile\nnginx.conf\nout\nsite\n");
    // Removing the container leaves the host's files.
    ok(&mut e, &mut h, "docker rm -f web");
    assert!(h.files.contains_key("site/index.html"));
    let out = e.run("docker volume create /x", &mut h);
    assert_eq!(out.status, 1, "{}", out.text);
}
