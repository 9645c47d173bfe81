//! Sizes as people read them, written once for every tool: binary units for caps and files
//! (`64 MiB`, `1.5 GiB`), as ls -h and du -h show them; decimal units for models, downloads
//! and rates (`4.9 GB`, `850 MB`), as Ollama shows them.

/// `bytes` in binary units: `512 B`, `20 MiB`, `1.5 GiB` (one decimal below 10 units).
pub fn binary(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 && value.fract() >= 0.05 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// `bytes` in decimal units, as Ollama shows models and downloads: `4.9 GB`, `850 MB`,
/// `12 kB`, `999 B` (one decimal below 10 units).
pub fn decimal(bytes: u64) -> String {
    const UNITS: [(f64, &str); 4] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
    let b = bytes as f64;
    for (size, unit) in UNITS {
        if b >= size {
            let v = b / size;
            return if v < 10.0 {
                format!("{v:.1} {unit}")
            } else {
                format!("{v:.0} {unit}")
            };
        }
    }
    format!("{bytes} B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_ls_h() {
        assert_eq!(binary(0), "0 B");
        assert_eq!(binary(1023), "1023 B");
        assert_eq!(binary(1024), "1 KiB");
        assert_eq!(binary(1536), "1.5 KiB");
        assert_eq!(binary(20 << 20), "20 MiB");
        assert_eq!(binary(64 << 20), "64 MiB");
        assert_eq!(binary(3 << 29), "1.5 GiB");
        assert_eq!(binary(u64::MAX), "16384 PiB");
    }

    #[test]
    fn decimal_sizes_read_like_ollama() {
        assert_eq!(decimal(4_920_753_328), "4.9 GB");
        assert_eq!(decimal(4_000_000_000), "4.0 GB");
        assert_eq!(decimal(850_000_000), "850 MB");
        assert_eq!(decimal(12_345), "12 kB");
        assert_eq!(decimal(999), "999 B");
    }
}
