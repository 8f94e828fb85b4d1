//! The memory allocator of plansite's binaries, declared once for the command and the bench.

#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[doc(hidden)]
pub use tikv_jemallocator;

/// Make jemalloc the allocator of the binary that expands this (the `plansite` command and the
/// phases bench), with plansite's options; nothing without the `jemalloc` feature.
///
/// A build allocates and frees millions of small objects (template variables, strings); with
/// glibc's malloc that was a fifth of its instructions. jemalloc makes the enterprise build
/// ~15 % faster at the same peak memory (docs/performance.md); mimalloc was as fast but took
/// 55 % more memory.
///
/// The options are read once at start from `const char *malloc_conf` (under the prefix
/// tikv-jemalloc-sys gives its symbols; a reference to the array is that pointer). Freed pages
/// go back to the system after 0.3 s instead of 10 s: a build frees each page's variables right
/// after rendering it, and holding them kept the peak resident memory of the enterprise plan at
/// ~129 MB instead of ~117 MB, for no speed gain. Not on Windows, where jemalloc defines the
/// symbol itself (not weakly) and the two would clash.
#[macro_export]
macro_rules! global_allocator {
    () => {
        #[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
        #[global_allocator]
        static ALLOCATOR: $crate::allocator::tikv_jemallocator::Jemalloc =
            $crate::allocator::tikv_jemallocator::Jemalloc;

        #[cfg(all(feature = "jemalloc", not(target_env = "msvc"), not(windows)))]
        #[export_name = "_rjem_malloc_conf"]
        static JEMALLOC_OPTIONS: &[u8; 19] = b"dirty_decay_ms:300\0";
    };
}

/// Let memory freed from now on stay with the process for `ms` milliseconds (instead of the
/// 0.3 s set above) before it goes back to the system. For `serve`: each rebuild frees the last
/// model and builds another of the same size, and memory given back in between comes back as
/// page faults, a quarter of a rebuild's time after a front-matter edit of the enterprise plan
/// (docs/performance.md). Nothing without the `jemalloc` feature; a setting jemalloc refuses
/// only leaves the rebuilds as slow as before, so errors are ignored.
pub fn hold_freed_memory(ms: isize) {
    #[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
    decay::set(ms);
    #[cfg(not(all(feature = "jemalloc", not(target_env = "msvc"))))]
    let _ = ms;
}

#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
mod decay {
    use tikv_jemalloc_ctl::raw;

    pub fn set(ms: isize) {
        // SAFETY: `raw::read` and `raw::write` require the Rust type to match the key's C type:
        // `arenas.narenas` is `unsigned` (u32), the decay keys are `ssize_t` (isize).
        let arenas: u32 = unsafe { raw::read(b"arenas.narenas\0") }.unwrap_or(0);
        // The default of arenas not made yet (each thread takes one when it first allocates).
        let _ = unsafe { raw::write(b"arenas.dirty_decay_ms\0", ms) };
        for i in 0..arenas {
            let key = format!("arena.{i}.dirty_decay_ms\0");
            // Refused for slots with no arena yet: those take the default set above.
            let _ = unsafe { raw::write(key.as_bytes(), ms) };
        }
    }
}

#[cfg(all(test, feature = "jemalloc", not(target_env = "msvc")))]
mod tests {
    #[test]
    fn holding_freed_memory_sets_the_decay_of_new_arenas() {
        super::hold_freed_memory(12_345);
        // SAFETY: `arenas.dirty_decay_ms` is `ssize_t`.
        let ms: isize =
            unsafe { tikv_jemalloc_ctl::raw::read(b"arenas.dirty_decay_ms\0") }.unwrap();
        assert_eq!(ms, 12_345);
    }
}
