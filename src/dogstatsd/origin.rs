//! Origin detection, as datadog-go does it (`statsd/container_linux.go`): the container id from
//! `/proc/self/cgroup` (cgroup v1 and v2 paths), else from `/proc/self/mountinfo` (the
//! `…/<dir>/<id>/…hostname` bind mount, not under `sandboxes`), else — outside the host cgroup
//! namespace — the cgroup node's inode as `in-<n>` (memory controller for v1, the unified
//! hierarchy for v2). `DD_ENTITY_ID` becomes the tag `dd.internal.entity_id:<id>`;
//! `DD_ORIGIN_DETECTION_ENABLED=false` (or the option) turns the container field off.
//!
//! The parsers are pure functions over file contents (the regular expressions of the Go client
//! are matched by hand: no regex crate).

use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Inode of the host's cgroup namespace (linux `include/linux/proc_ns.h`).
const HOST_CGROUP_NAMESPACE_INODE: u64 = 0xEFFF_FFFB;

fn hex_run(b: &[u8], at: usize, n: usize) -> bool {
    at + n <= b.len() && b[at..at + n].iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// `[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}` at `at`.
fn uuid_at(b: &[u8], at: usize) -> Option<usize> {
    let mut p = at;
    for (i, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if i > 0 {
            if !matches!(b.get(p), Some(b'-' | b'_')) {
                return None;
            }
            p += 1;
        }
        if !hex_run(b, p, n) {
            return None;
        }
        p += n;
    }
    Some(p - at)
}

/// Lengths matching `[0-9a-f]{32}-\d+` at `at`, longest first (greedy with backtracking).
fn task_lens(b: &[u8], at: usize) -> Vec<usize> {
    if !hex_run(b, at, 32) || b.get(at + 32) != Some(&b'-') {
        return Vec::new();
    }
    let digits = b[at + 33..].iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=digits).rev().map(|d| 33 + d).collect()
}

/// `(uuid|[0-9a-f]{64}|task)(?:.scope)?$` searched leftmost-first, as Go's `FindStringSubmatch`.
fn container_id_in_path(path: &str) -> Option<&str> {
    let b = path.as_bytes();
    let ends_ok = |end: usize| end == b.len() || (end + 6 == b.len() && &b[end + 1..] == b"scope");
    for s in 0..b.len() {
        let mut cands = Vec::new();
        cands.extend(uuid_at(b, s));
        if hex_run(b, s, 64) {
            cands.push(64);
        }
        cands.extend(task_lens(b, s));
        if let Some(l) = cands.into_iter().find(|l| ends_ok(s + l)) {
            return path.get(s..s + l);
        }
    }
    None
}

/// The container id in `/proc/self/cgroup` contents: the first line `^\d+:[^:]*:(.+)$` whose
/// path ends with a container id (64 hex, ECS task `32hex-N`, or a Garden/uuid id),
/// optionally followed by `.scope`.
pub fn parse_container_id(cgroup: &str) -> Option<String> {
    for line in cgroup.lines() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || line.as_bytes().get(digits) != Some(&b':') {
            continue;
        }
        let rest = &line[digits + 1..];
        let Some((_, path)) = rest.split_once(':') else { continue };
        if path.is_empty() {
            continue;
        }
        if let Some(id) = container_id_in_path(path) {
            return Some(id.to_string());
        }
    }
    None
}

/// `/([^\s/]+)/(64hex|32hex-\d+)/[\S]*hostname` starting at the `/` at `p`: (dir, id).
fn mount_match_at(line: &str, p: usize) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let dir_len = b[p + 1..].iter().take_while(|c| **c != b'/' && !c.is_ascii_whitespace()).count();
    if dir_len == 0 || b.get(p + 1 + dir_len) != Some(&b'/') {
        return None;
    }
    let id_at = p + 2 + dir_len;
    let mut lens = Vec::new();
    if hex_run(b, id_at, 64) {
        lens.push(64);
    }
    lens.extend(task_lens(b, id_at));
    for l in lens {
        if b.get(id_at + l) != Some(&b'/') {
            continue;
        }
        let run_start = id_at + l + 1;
        let run_len = b[run_start..].iter().take_while(|c| !c.is_ascii_whitespace()).count();
        if line[run_start..run_start + run_len].contains("hostname") {
            return Some((&line[p + 1..p + 1 + dir_len], &line[id_at..id_at + l]));
        }
    }
    None
}

/// The container id in `/proc/self/mountinfo` contents (cgroup v2 under Docker, ECS, raw
/// containerd): per line the rightmost `…/<dir>/<id>/…hostname` mount whose `<dir>` is not
/// containerd's `sandboxes` (a pause container's id, not ours).
pub fn parse_mountinfo(mountinfo: &str) -> Option<String> {
    for line in mountinfo.lines() {
        let m = line
            .bytes()
            .enumerate()
            .filter(|(_, c)| *c == b'/')
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .find_map(|p| mount_match_at(line, p));
        if let Some((dir, id)) = m {
            if dir != "sandboxes" {
                return Some(id.to_string());
            }
        }
    }
    None
}

/// `controller → node path` for the cgroup v1 `memory` controller and the v2 unified
/// hierarchy (`""`), from `/proc/self/cgroup` contents (lines `id:controllers:path`).
pub fn parse_cgroup_node_paths(cgroup: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in cgroup.lines() {
        let t: Vec<&str> = line.split(':').collect();
        if t.len() != 3 || !(t[1] == "memory" || t[1].is_empty()) {
            continue;
        }
        out.retain(|(c, _)| c != t[1]);
        out.push((t[1].to_string(), t[2].to_string()));
    }
    out
}

/// `in-<inode>` of the cgroup node (memory controller first, then the unified hierarchy)
/// under `mount` (normally `/sys/fs/cgroup`).
pub fn cgroup_inode(mount: &Path, cgroup: &str) -> Option<String> {
    let paths = parse_cgroup_node_paths(cgroup);
    for controller in ["memory", ""] {
        let Some((_, node)) = paths.iter().find(|(c, _)| c == controller) else { continue };
        let p = mount.join(controller).join(node.trim_start_matches('/'));
        if let Ok(md) = std::fs::metadata(&p) {
            return Some(format!("in-{}", md.ino()));
        }
    }
    None
}

/// Where to look (the real files by default; tests point at their own).
#[derive(Clone, Debug)]
pub struct Sources<'a> {
    pub cgroup: &'a Path,
    pub mountinfo: &'a Path,
    pub cgroup_mount: &'a Path,
    pub host_cgroup_namespace: bool,
}

/// datadog-go `readCIDOrInode`: cgroup file, then mountinfo, then (only in a private cgroup
/// namespace) the cgroup inode. `None` when nothing is found.
pub fn detect_from(src: &Sources) -> Option<String> {
    let cgroup = std::fs::read_to_string(src.cgroup).unwrap_or_default();
    if let Some(id) = parse_container_id(&cgroup) {
        return Some(id);
    }
    if let Some(id) = std::fs::read_to_string(src.mountinfo).ok().and_then(|m| parse_mountinfo(&m)) {
        return Some(id);
    }
    if src.host_cgroup_namespace {
        return None;
    }
    cgroup_inode(src.cgroup_mount, &cgroup)
}

fn in_host_cgroup_namespace() -> bool {
    std::fs::metadata("/proc/self/ns/cgroup").map(|m| m.ino() == HOST_CGROUP_NAMESPACE_INODE).unwrap_or(false)
}

/// What origin detection adds to every line and tag set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Value of the `|c:` field (empty = none).
    pub container_id: String,
    /// `dd.internal.entity_id:<DD_ENTITY_ID>`, when set.
    pub entity_tag: Option<String>,
}

/// Origin of this process. `enabled = false` (or `DD_ORIGIN_DETECTION_ENABLED=false`) turns the
/// container field off; `DD_ENTITY_ID` is honoured either way (it is a tag, not detection).
pub fn detect(enabled: bool, env: impl Fn(&str) -> Option<String>) -> Origin {
    let entity_tag = env("DD_ENTITY_ID")
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .map(|v| super::encode::normalize_tag(&format!("dd.internal.entity_id:{v}")));
    let env_enabled = !matches!(
        env("DD_ORIGIN_DETECTION_ENABLED").map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Some("false" | "0" | "no" | "off")
    );
    let container_id = if enabled && env_enabled {
        detect_from(&Sources {
            cgroup: Path::new("/proc/self/cgroup"),
            mountinfo: Path::new("/proc/self/mountinfo"),
            cgroup_mount: Path::new("/sys/fs/cgroup"),
            host_cgroup_namespace: in_host_cgroup_namespace(),
        })
        .unwrap_or_default()
    } else {
        String::new()
    };
    Origin { container_id, entity_tag }
}

#[cfg(test)]
mod tests {
    //! Cases ported from DataDog/datadog-go `statsd/container_test.go` (commit 8e0c7a6):
    //! TestParseContainerID, TestParseMountinfo (the lines that decide each case),
    //! TestParsegroupControllerPath, TestGetCgroupInode, TestReadCIDOrInode.
    use super::*;

    const K8S: &str = "8c046cb0b72cd4c99f51b5591cd5b095967f58ee003710a45280c28ee1a9c7fa";

    #[test]
    fn cgroup_container_ids() {
        let kube = format!(
            "other_line\n10:hugetlb:/kubepods/burstable/podfd52ef25-a87d-11e9-9423-0800271a638e/{K8S}\n\
             9:cpuset:/kubepods/burstable/podfd52ef25-a87d-11e9-9423-0800271a638e/{K8S}\n\
             2:net_cls,net_prio:/kubepods/burstable/podfd52ef25-a87d-11e9-9423-0800271a638e/{K8S}"
        );
        let d = "34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376";
        let cases: Vec<(String, Option<&str>)> = vec![
            (kube, Some(K8S)),
            (format!("10:hugetlb:/kubepods/burstable/podfd52ef25-a87d-11e9-9423-0800271a638e/{K8S}"), Some(K8S)),
            ("10:hugetlb:/kubepods".into(), None),
            (
                "11:hugetlb:/ecs/55091c13-b8cf-4801-b527-f4601742204d/432624d2150b349fe35ba397284dea788c2bf66b885d14dfc1569b01890ca7da".into(),
                Some("432624d2150b349fe35ba397284dea788c2bf66b885d14dfc1569b01890ca7da"),
            ),
            (format!("1:name=systemd:/docker/{d}"), Some(d)),
            ("1:name=systemd:/uuid/34dc0b5e-626f-2c5c-4c51-70e34b10e765".into(), Some("34dc0b5e-626f-2c5c-4c51-70e34b10e765")),
            (
                "1:name=systemd:/ecs/34dc0b5e626f2c5c4c5170e34b10e765-1234567890".into(),
                Some("34dc0b5e626f2c5c4c5170e34b10e765-1234567890"),
            ),
            (format!("1:name=systemd:/docker/{d}.scope"), Some(d)),
            (format!("1:name=systemd:/nope\n2:pids:/docker/{d}\n3:cpu:/invalid"), Some(d)),
            ("0::/".into(), None),
            ("garbage\n\n:::\nx:y:z".into(), None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_container_id(&input).as_deref(), want, "{input}");
        }
    }

    const DOCKER_CID: &str = "0cfa82bf3ab29da271548d6a044e95c948c6fd2f7578fb41833a44ca23da425f";

    fn docker_mountinfo(cid: &str) -> String {
        format!(
            "608 554 0:42 / / rw,relatime master:289 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/RQH52YWGJKBXL6THNS7EASIUNY,upperdir=/var/lib/docker/overlay2/241a77e9a6a048e54d5b5700afaeab6071cb5ffef1fd2acbebbf19935a429897/diff\n\
             623 615 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate,memory_recursiveprot\n\
             626 608 259:1 /var/lib/docker/containers/{cid}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/root rw,discard,errors=remount-ro\n\
             627 608 259:1 /var/lib/docker/containers/{cid}/hostname /etc/hostname rw,relatime - ext4 /dev/root rw,discard,errors=remount-ro\n\
             628 608 259:1 /var/lib/docker/containers/{cid}/hosts /etc/hosts rw,relatime - ext4 /dev/root rw,discard,errors=remount-ro\n"
        )
    }

    #[test]
    fn mountinfo_container_ids() {
        assert_eq!(parse_mountinfo(&docker_mountinfo(DOCKER_CID)).as_deref(), Some(DOCKER_CID));
        // Kubernetes + containerd: only the pause container's sandbox hostname → nothing.
        let sandbox = "2784 2775 8:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/c5866f3bfef020a8c045540b4a05dd9d193443740be76437a6130c7759ab2076/hostname /etc/hostname rw,nosuid,nodev,relatime - ext4 /dev/sda1 rw,commit=30\n\
            2785 2775 8:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/c5866f3bfef020a8c045540b4a05dd9d193443740be76437a6130c7759ab2076/resolv.conf /etc/resolv.conf rw,nosuid,nodev,relatime - ext4 /dev/sda1 rw,commit=30\n";
        assert_eq!(parse_mountinfo(sandbox), None);
        // The rightmost match of a line wins (the task rootfs, not the sandbox).
        let agent = "2220 2208 8:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/c0a82a3506b0366c9666f6dbe71c783abeb26ba65e312e918a49e10a277196d0/hostname /etc/hostname rw,nosuid,nodev,relatime - ext4 /dev/sda1 rw,commit=30\n\
            2282 2269 8:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/c0a82a3506b0366c9666f6dbe71c783abeb26ba65e312e918a49e10a277196d0/hostname /host/var/run/containerd/io.containerd.runtime.v2.task/k8s.io/fc7038bc73a8d3850c66ddbfb0b2901afa378bfcbb942cc384b051767e4ac6b0/rootfs/etc/hostname rw,nosuid,nodev,relatime - ext4 /dev/sda1 rw,commit=30\n";
        assert_eq!(
            parse_mountinfo(agent).as_deref(),
            Some("fc7038bc73a8d3850c66ddbfb0b2901afa378bfcbb942cc384b051767e4ac6b0")
        );
        let nested = "1258 1249 254:1 /docker/volumes/0919c2d87ec8ba99f3c85fdada5fe26eca73b2fce73a5974d6030f30bf91cbaf/_data/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/ca30bb64884083e29b1dc08a1081dd2df123f13f045dadb64dc346e56c0b6871/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw,discard";
        assert_eq!(parse_mountinfo(nested), None);
        assert_eq!(parse_mountinfo(""), None);
        assert_eq!(parse_mountinfo("/ / / //hostname"), None);
    }

    #[test]
    fn cgroup_node_paths() {
        let m = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        assert_eq!(parse_cgroup_node_paths("0::/"), m(&[("", "/")]));
        assert_eq!(
            parse_cgroup_node_paths("other_line\n0::/\n1:memory:/docker/abc123"),
            m(&[("", "/"), ("memory", "/docker/abc123")])
        );
        assert_eq!(
            parse_cgroup_node_paths("other_line\n12:pids:/docker/abc123\n11:hugetlb:/docker/abc123\n10:net_cls,net_prio:/docker/abc123\n0::/docker/abc123\n"),
            m(&[("", "/docker/abc123")])
        );
        assert_eq!(parse_cgroup_node_paths("empty"), m(&[]));
    }

    fn tmpdir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("dogapi-origin-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn cgroup_inodes() {
        let node = "system.slice/docker-abcdef0123456789abcdef0123456789.scope";
        let hybrid = |first: &str| format!("\n3:{first}:/{node}\n2:net_cls,net_prio:c\n1:name=systemd:b\n0::a\n");
        // (controller dir created, /proc/self/cgroup contents, inode expected)
        let cases = [
            ("", format!("0::/{node}\n"), true),
            ("memory", hybrid("memory"), true),
            ("cpu", hybrid("cpu"), false),
            ("", "nothing".to_string(), false),
        ];
        for (i, (controller, cgroup, want)) in cases.iter().enumerate() {
            let root = tmpdir(&format!("inode{i}"));
            let dir = root.join(controller).join(node);
            std::fs::create_dir_all(&dir).unwrap();
            let ino = std::fs::metadata(&dir).unwrap().ino();
            let got = cgroup_inode(&root, cgroup);
            assert_eq!(got, want.then(|| format!("in-{ino}")), "case {i}");
            let _ = std::fs::remove_dir_all(&root);
        }
        // The cgroup names a node that does not exist.
        let root = tmpdir("inode-missing");
        std::fs::create_dir_all(root.join("dummy.scope")).unwrap();
        assert_eq!(cgroup_inode(&root, &hybrid("memory")), None);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn read_cid_or_inode() {
        let node = "system.slice/docker-abcdef0123456789abcdef0123456789.scope";
        let blkio = format!("4:blkio:/kubepods/burstable/podfd52ef25-a87d-11e9-9423-0800271a638e/{K8S}\n");
        let mi = "2282 2269 8:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/c0a82a3506b0366c9666f6dbe71c783abeb26ba65e312e918a49e10a277196d0/hostname /host/var/run/containerd/io.containerd.runtime.v2.task/k8s.io/fc7038bc73a8d3850c66ddbfb0b2901afa378bfcbb942cc384b051767e4ac6b0/rootfs/etc/hostname rw,nosuid,nodev,relatime - ext4 /dev/sda1 rw,commit=30\n";
        let fc = "fc7038bc73a8d3850c66ddbfb0b2901afa378bfcbb942cc384b051767e4ac6b0";
        let v2 = format!("0::/{node}\n");
        // (cgroup, mountinfo, host namespace, expected; "in-" = the node's inode)
        let cases: [(&str, &str, bool, &str); 6] = [
            (&blkio, "", true, K8S),
            (&blkio, "", false, K8S),
            ("", mi, false, fc),
            ("", mi, true, fc),
            (&v2, "", false, "in-"),
            (&v2, "", true, ""),
        ];
        for (i, (cg, mi, host, want)) in cases.iter().enumerate() {
            let root = tmpdir(&format!("read{i}"));
            let dir = root.join("sysfs").join(node);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(root.join("cgroup"), cg).unwrap();
            std::fs::write(root.join("mountinfo"), mi).unwrap();
            let got = detect_from(&Sources {
                cgroup: &root.join("cgroup"),
                mountinfo: &root.join("mountinfo"),
                cgroup_mount: &root.join("sysfs"),
                host_cgroup_namespace: *host,
            })
            .unwrap_or_default();
            let want = if *want == "in-" {
                format!("in-{}", std::fs::metadata(&dir).unwrap().ino())
            } else {
                want.to_string()
            };
            assert_eq!(got, want, "case {i}");
            let _ = std::fs::remove_dir_all(&root);
        }
    }

    #[test]
    fn entity_id_and_switch() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(a, _)| *a == k).map(|(_, b)| b.to_string())
        };
        let o = detect(false, env(&[("DD_ENTITY_ID", "pod-uid-1")]));
        assert_eq!(
            o,
            Origin { container_id: String::new(), entity_tag: Some("dd.internal.entity_id:pod-uid-1".into()) }
        );
        let o = detect(true, env(&[("DD_ORIGIN_DETECTION_ENABLED", "false")]));
        assert_eq!(o, Origin::default());
        // Whatever this machine is, detection never panics and yields a line-safe value.
        let o = detect(true, env(&[]));
        assert!(!o.container_id.contains(['|', '\n', ',']), "{o:?}");
    }
}
