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

    /// From a bit set of spawn (1), forkserver (2) and fork (4), as the flow
    /// layer writes it (`spawnsafe_flow::start_order`).
    pub const fn from_bits(bits: u8) -> Methods {
        Methods(bits & 7)
    }

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

/// Every version spawnsafe reasons about.
pub const ALL_VERSIONS: VersionRange = VersionRange {
    min: OLDEST_SUPPORTED,
    max: None,
};

impl VersionRange {
    /// The versions both ranges hold, if any.
    fn intersect(&self, other: &VersionRange) -> Option<VersionRange> {
        let min = self.min.max(other.min);
        let max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        max.is_none_or(|max| min <= max)
            .then_some(VersionRange { min, max })
    }
}

/// Where a hazard that comes from the platform itself (not from the start
/// method) shows: each platform it hits, with the Python versions it needs
/// there (`None`: not on that platform).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnPlatforms {
    pub windows: Option<VersionRange>,
    pub macos: Option<VersionRange>,
    pub linux: Option<VersionRange>,
}

impl OnPlatforms {
    /// On Windows, with every Python version.
    pub const WINDOWS: OnPlatforms = OnPlatforms {
        windows: Some(ALL_VERSIONS),
        macos: None,
        linux: None,
    };
    /// On macOS, with every Python version.
    pub const MACOS: OnPlatforms = OnPlatforms {
        windows: None,
        macos: Some(ALL_VERSIONS),
        linux: None,
    };

    /// The same platforms, each only with Pythons older than 3.`minor`.
    pub fn before(self, minor: Minor) -> OnPlatforms {
        let limit = VersionRange {
            min: OLDEST_SUPPORTED,
            max: Some(minor.saturating_sub(1)),
        };
        let restrict = |range: Option<VersionRange>| range.and_then(|r| r.intersect(&limit));
        OnPlatforms {
            windows: restrict(self.windows),
            macos: restrict(self.macos),
            linux: restrict(self.linux),
        }
    }

    /// The platforms of either.
    pub fn or(self, other: OnPlatforms) -> OnPlatforms {
        OnPlatforms {
            windows: self.windows.or(other.windows),
            macos: self.macos.or(other.macos),
            linux: self.linux.or(other.linux),
        }
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
        join_places(&places)
    }

    /// Where a platform-specific hazard shows among the targets: "on Windows",
    /// "on Windows with Python 3.12 and older" (when the targets include newer
    /// versions too). `None`: on no platform the project targets.
    pub fn where_on(&self, on: OnPlatforms) -> Option<Where> {
        let mut places = Vec::new();
        for (targeted, condition, name) in [
            (self.windows, on.windows, "Windows"),
            (self.macos, on.macos, "macOS"),
            (self.linux, on.linux, "Linux"),
        ] {
            let Some(condition) = condition.filter(|_| targeted) else {
                continue;
            };
            let Some(both) = self.versions.intersect(&condition) else {
                continue;
            };
            places.push(if both == self.versions {
                name.to_string()
            } else {
                format!(
                    "{name} with Python {}",
                    describe_versions(both, self.versions)
                )
            });
        }
        join_places(&places)
    }
}

/// "3.12 and older", "3.14+", "3.10 to 3.12": the part of `all` that `part` is.
fn describe_versions(part: VersionRange, all: VersionRange) -> String {
    match part.max {
        Some(max) if part.min == max => format!("3.{max}"),
        Some(max) if part.min == all.min => format!("3.{max} and older"),
        Some(max) if part.max != all.max => format!("3.{} to 3.{max}", part.min),
        _ => format!("3.{}+", part.min),
    }
}

/// "on A", "on A and B", "on A, B, and C"; `None` for no place.
fn join_places(places: &[String]) -> Option<Where> {
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
    fn platform_hazards_name_only_targeted_platforms() {
        let all = Targets::default();
        let windows_before_313 = OnPlatforms::WINDOWS.before(13);
        assert_eq!(
            all.where_on(OnPlatforms::WINDOWS).unwrap().to_string(),
            "on Windows"
        );
        assert_eq!(
            all.where_on(windows_before_313).unwrap().to_string(),
            "on Windows with Python 3.12 and older"
        );
        assert_eq!(
            all.where_on(OnPlatforms::WINDOWS.or(OnPlatforms::MACOS))
                .unwrap()
                .to_string(),
            "on Windows and macOS"
        );
        let linux = Targets {
            windows: false,
            macos: false,
            ..Targets::default()
        };
        assert_eq!(linux.where_on(OnPlatforms::WINDOWS), None);
        assert_eq!(
            linux.where_on(OnPlatforms::WINDOWS.or(OnPlatforms::MACOS)),
            None
        );
        let mac_and_linux = Targets {
            windows: false,
            ..Targets::default()
        };
        assert_eq!(
            mac_and_linux
                .where_on(OnPlatforms::WINDOWS.or(OnPlatforms::MACOS))
                .unwrap()
                .to_string(),
            "on macOS"
        );
        // Targets that are all older than 3.13 need no version qualifier.
        let old = Targets {
            versions: VersionRange {
                min: 9,
                max: Some(12),
            },
            ..Targets::default()
        };
        assert_eq!(
            old.where_on(windows_before_313).unwrap().to_string(),
            "on Windows"
        );
        // Targets that are all 3.13+ never meet a hazard fixed in 3.13.
        let new = Targets {
            versions: VersionRange { min: 13, max: None },
            ..Targets::default()
        };
        assert_eq!(new.where_on(windows_before_313), None);
        let straddling = Targets {
            versions: VersionRange {
                min: 11,
                max: Some(14),
            },
            ..Targets::default()
        };
        assert_eq!(
            straddling.where_on(windows_before_313).unwrap().to_string(),
            "on Windows with Python 3.12 and older"
        );
        let since_314 = OnPlatforms {
            macos: Some(VersionRange { min: 14, max: None }),
            ..OnPlatforms::default()
        };
        assert_eq!(
            straddling.where_on(since_314).unwrap().to_string(),
            "on macOS with Python 3.14"
        );
        assert_eq!(
            all.where_on(since_314).unwrap().to_string(),
            "on macOS with Python 3.14+"
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
