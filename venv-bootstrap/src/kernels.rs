//! Which Jupyter kernels a venv serves: their names (what Jupyter accepts, and the default one
//! of a project), one per line in a file inside the venv, and the change a run makes to them.
//! While the list is not empty `ipykernel` is one of the venv's requirements. The names are
//! part of the stamp's inputs, so a kernel added or removed makes the next start install (or
//! drop) ipykernel, and the list is written with the stamp, so a rebuilt venv keeps it.
//! (`kernel/` registers, removes and starts kernels.)

use std::path::Path;

/// The list's file inside the venv.
pub const FILE_NAME: &str = ".venv-bootstrap-kernels";
/// What a kernel needs in the venv.
pub const REQUIREMENT: &str = "ipykernel";
/// The most of the file that is read (names are at most 64 bytes).
const CAP: u64 = 64 << 10;

/// The names in `venv`'s list, sorted (none when there is no list, or it cannot be read).
pub fn read(venv: &Path) -> Vec<String> {
    let bytes = envtools_store::read_capped(&venv.join(FILE_NAME), CAP)
        .ok()
        .flatten()
        .unwrap_or_default();
    let mut names: Vec<String> = String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| is_name(l))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The list's bytes.
pub fn render(names: &[String]) -> Vec<u8> {
    names
        .iter()
        .flat_map(|n| [n.as_bytes(), b"\n"])
        .flatten()
        .copied()
        .collect()
}

/// A kernel name as Jupyter keeps it: lower-case ASCII letters, digits, `.`, `-`, `_`, at most
/// 64, not starting with `.`.
pub fn is_name(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && !text.starts_with('.')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// The kernel a run adds to the venv's list or removes from it.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub add: Option<String>,
    pub remove: Option<String>,
}

impl Change {
    /// `--kernel [NAME]` and `--remove-kernel [NAME]` (an empty NAME: the default name of
    /// `project`).
    pub fn from_flags(add: Option<&String>, remove: Option<&String>, project: &Path) -> Change {
        let name = |given: &String| match given.is_empty() {
            true => default_name(project),
            false => given.clone(),
        };
        Change {
            add: add.map(name),
            remove: remove.map(name),
        }
    }

    /// The venv's list `names` after this change, sorted.
    pub fn apply(&self, mut names: Vec<String>) -> Vec<String> {
        names.extend(self.add.iter().cloned());
        names.retain(|n| Some(n) != self.remove.as_ref());
        names.sort();
        names.dedup();
        names
    }
}

/// The default kernel name of `project`: its folder's name (lower case, other characters
/// made `-`) and 8 hex digits of a hash of its whole path, so two projects of the same name
/// never share a kernel.
pub fn default_name(project: &Path) -> String {
    let folder = project
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut slug: String = folder
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '-',
        })
        .take(40)
        .collect();
    slug = slug.trim_matches(['-', '.']).to_string();
    if slug.is_empty() {
        slug = "project".into();
    }
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = project
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{slug}-{:08x}", hash as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_adds_and_removes_one_name_and_keeps_the_list_sorted_and_unique() {
        let list = vec!["b".to_string(), "a".to_string()];
        let add = Change {
            add: Some("c".into()),
            remove: None,
        };
        assert_eq!(add.apply(list.clone()), ["a", "b", "c"]);
        let again = Change {
            add: Some("a".into()),
            remove: None,
        };
        assert_eq!(again.apply(list.clone()), ["a", "b"]);
        let remove = Change {
            add: None,
            remove: Some("b".into()),
        };
        assert_eq!(remove.apply(list), ["a"]);
    }

    #[test]
    fn default_names_are_the_folder_and_a_stable_hash_of_the_whole_path() {
        let a = default_name(Path::new("/home/me/src/My App"));
        assert_eq!(a, default_name(Path::new("/home/me/src/My App")));
        assert!(
            a.starts_with("my-app-") && a.len() == "my-app-".len() + 8,
            "{a}"
        );
        let b = default_name(Path::new("/home/me/work/My App"));
        assert_ne!(a, b);
        assert!(is_name(&a));
        // Nothing usable in the folder's name: still a valid name.
        let odd = default_name(Path::new("/tmp/..ü.."));
        assert!(odd.starts_with("project-"), "{odd}");
        assert!(is_name(&default_name(Path::new("/"))));
        let long = default_name(Path::new(&format!("/x/{}", "a".repeat(100))));
        assert!(is_name(&long), "{long}");
    }

    #[test]
    fn names_jupyter_would_not_keep_are_refused() {
        assert!(is_name("app-1a2b3c4d") && is_name("a.b_c-d"));
        for bad in ["", ".hidden", "Upper", "a/b", "a b", &"x".repeat(65)] {
            assert!(!is_name(bad), "{bad}");
        }
    }
}
