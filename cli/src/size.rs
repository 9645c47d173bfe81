//! Sizes as people read them, written once for every tool: binary units for caps and files
//! (`64 MiB`, `1.5 GiB`), as ls -h and du -h show them.

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
}
