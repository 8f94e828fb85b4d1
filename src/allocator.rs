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
