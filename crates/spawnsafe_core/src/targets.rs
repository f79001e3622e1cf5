//! Which start methods matter: the platforms and Python versions a project
//! targets decide the default start method its code meets, and so which
//! findings are true for it and how their messages name the platforms.

use std::fmt;

/// A multiprocessing start method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StartMethod {
    Spawn,
    Forkserver,
    Fork,
}

impl StartMethod {
    pub fn from_name(name: &str) -> Option<StartMethod> {
        match name {
            "spawn" => Some(StartMethod::Spawn),
            "forkserver" => Some(StartMethod::Forkserver),
            "fork" => Some(StartMethod::Fork),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            StartMethod::Spawn => "spawn",
            StartMethod::Forkserver => "forkserver",
            StartMethod::Fork => "fork",
        }
    }

    fn bit(self) -> u8 {
        match self {
            StartMethod::Spawn => 1,
            StartMethod::Forkserver => 2,
            StartMethod::Fork => 4,
        }
    }
}

/// A set of start methods (those under which a hazard shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Methods(u8);

impl Methods {
    pub const SPAWN_AND_FORKSERVER: Methods = Methods(1 | 2);
    /// Spawn alone: what happens only in children that end with a normal
    /// interpreter exit (`spawn_main` calls `sys.exit()`; fork and forkserver
    /// children leave through `os._exit()`).
    pub const SPAWN: Methods = Methods(1);
    pub const ALL: Methods = Methods(1 | 2 | 4);
    pub const FORK: Methods = Methods(4);

    pub fn contains(self, method: StartMethod) -> bool {
        self.0 & method.bit() != 0
    }
}

/// A Python 3 minor version (`14` for 3.14).
pub type Minor = u32;

/// The first Python 3 version whose Linux default is forkserver.
const FORKSERVER_DEFAULT_SINCE: Minor = 14;
/// The oldest version spawnsafe reasons about (macOS defaults to spawn since 3.8).
pub const OLDEST_SUPPORTED: Minor = 8;

/// The Python versions the code runs on: `min..=max` (no `max`: any newer one too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRange {
    pub min: Minor,
    pub max: Option<Minor>,
}

impl Default for VersionRange {
    fn default() -> Self {
        VersionRange {
            min: OLDEST_SUPPORTED,
            max: None,
        }
    }
}

impl VersionRange {
    fn includes_before(&self, minor: Minor) -> bool {
        self.min < minor
    }

    fn includes_since(&self, minor: Minor) -> bool {
        self.max.is_none_or(|max| max >= minor)
    }
}

/// The platforms and versions a project targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub windows: bool,
    pub macos: bool,
    pub linux: bool,
    pub versions: VersionRange,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            windows: true,
            macos: true,
            linux: true,
            versions: VersionRange::default(),
        }
    }
}

/// Where a hazard shows, in words: "on Windows, macOS, and Linux with Python 3.14+".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where(String);

impl fmt::Display for Where {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Targets {
    /// Where code that fails under `methods` fails, given the targets; `pinned`
    /// is the method the code selects itself (a context or `set_start_method`),
    /// which applies on every platform. `None`: nowhere the project runs.
    pub fn where_it_fails(&self, methods: Methods, pinned: Option<StartMethod>) -> Option<Where> {
        if methods == Methods::ALL {
            return Some(Where("under every start method".to_string()));
        }
        if let Some(method) = pinned {
            return methods.contains(method).then(|| {
                Where(format!(
                    "on every platform, since the code selects the {} start method",
                    method.name()
                ))
            });
        }
        let spawn = methods.contains(StartMethod::Spawn);
        let linux_fork = self.linux
            && methods.contains(StartMethod::Fork)
            && self.versions.includes_before(FORKSERVER_DEFAULT_SINCE);
        let linux_forkserver = self.linux
            && methods.contains(StartMethod::Forkserver)
            && self.versions.includes_since(FORKSERVER_DEFAULT_SINCE);
        let mut places = Vec::new();
        if self.windows && spawn {
            places.push("Windows".to_string());
        }
        if self.macos && spawn {
            places.push("macOS".to_string());
        }
        let linux_has_fork = self.linux && self.versions.includes_before(FORKSERVER_DEFAULT_SINCE);
        let linux_has_forkserver =
            self.linux && self.versions.includes_since(FORKSERVER_DEFAULT_SINCE);
        match (linux_fork, linux_forkserver) {
            (true, true) => places.push("Linux".to_string()),
            (false, true) if linux_has_fork => {
                places.push(format!("Linux with Python 3.{FORKSERVER_DEFAULT_SINCE}+"))
            }
            (false, true) => places.push("Linux".to_string()),
            (true, false) if linux_has_forkserver => {
                places.push(format!(
                    "Linux with Python 3.{} and older",
                    FORKSERVER_DEFAULT_SINCE - 1
                ));
            }
            (true, false) => places.push("Linux".to_string()),
            (false, false) => {}
        }
        match places.len() {
            0 => None,
            1 => Some(Where(format!("on {}", places[0]))),
            2 => Some(Where(format!("on {} and {}", places[0], places[1]))),
            _ => {
                let (last, rest) = places.split_last().expect("three or more");
                Some(Where(format!("on {}, and {last}", rest.join(", "))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_targets_name_every_spawn_platform() {
        let targets = Targets::default();
        assert_eq!(
            targets
                .where_it_fails(Methods::SPAWN_AND_FORKSERVER, None)
                .unwrap()
                .to_string(),
            "on Windows, macOS, and Linux with Python 3.14+"
        );
        assert_eq!(
            targets
                .where_it_fails(Methods::ALL, None)
                .unwrap()
                .to_string(),
            "under every start method"
        );
    }

    #[test]
    fn spawn_alone_is_windows_and_macos() {
        let targets = Targets::default();
        assert_eq!(
            targets
                .where_it_fails(Methods::SPAWN, None)
                .unwrap()
                .to_string(),
            "on Windows and macOS"
        );
        assert_eq!(
            targets.where_it_fails(Methods::SPAWN, Some(StartMethod::Forkserver)),
            None
        );
    }

    #[test]
    fn linux_on_312_means_fork() {
        let targets = Targets {
            windows: false,
            macos: false,
            linux: true,
            versions: VersionRange {
                min: 12,
                max: Some(12),
            },
        };
        assert_eq!(
            targets.where_it_fails(Methods::SPAWN_AND_FORKSERVER, None),
            None
        );
        assert_eq!(
            targets
                .where_it_fails(Methods::SPAWN_AND_FORKSERVER, Some(StartMethod::Spawn))
                .unwrap()
                .to_string(),
            "on every platform, since the code selects the spawn start method"
        );
        assert_eq!(
            targets
                .where_it_fails(Methods::FORK, None)
                .unwrap()
                .to_string(),
            "on Linux"
        );
    }

    #[test]
    fn linux_only_new_pythons() {
        let targets = Targets {
            windows: false,
            macos: false,
            linux: true,
            versions: VersionRange { min: 14, max: None },
        };
        assert_eq!(
            targets
                .where_it_fails(Methods::SPAWN_AND_FORKSERVER, None)
                .unwrap()
                .to_string(),
            "on Linux"
        );
    }
}
