//! What a spawn or forkserver child sees of the runtime configuration the
//! parent changes (logging, `numpy.random`'s seed, the recursion limit, the
//! warnings filters, the decimal context), in words.

use crate::state::Facility;

/// What the worker does with the facility that the parent configures at run
/// time, and what a fresh interpreter has instead.
pub fn facility_words(facility: Facility) -> (&'static str, &'static str) {
    match facility {
        Facility::Logging => (
            "logs through `logging`, which the parent configures only at run time",
            "logging is configured only as importing the modules leaves it (by default the root logger has level `WARNING` and no handler): records below that level are dropped and the parent's handlers and format are missing",
        ),
        Facility::NumpyRandom => (
            "draws from `numpy.random`'s global generator, which the parent seeds only at run time",
            "its generator is seeded from `os.urandom`, so the numbers differ from fork's and from run to run",
        ),
        Facility::RecursionLimit => (
            "recurses, and the parent raises the recursion limit only at run time",
            "it has the default limit of 1000: \"RecursionError: maximum recursion depth exceeded\"",
        ),
        Facility::Warnings => (
            "issues warnings, and the parent sets the warnings filters only at run time",
            "it has the default filters, so the warnings are shown (or not raised) as if no filter were set",
        ),
        Facility::Decimal => (
            "computes with `Decimal`, and the parent changes the decimal context only at run time",
            "its context has the default precision of 28 digits",
        ),
    }
}

/// How to give every process the configuration.
pub fn facility_help(facility: Facility) -> &'static str {
    match facility {
        Facility::Logging => "configure logging where every process runs it: at import time, or in the pool's `initializer` (a `QueueHandler` that sends records to a `QueueListener` in the parent)",
        Facility::NumpyRandom => "seed in each child: pass a seed per task (or through `initializer`/`initargs`) and seed or create a generator there",
        Facility::RecursionLimit => "set the limit in the child too: at import time, in the pool's `initializer`, or in the worker itself",
        Facility::Warnings => "set the filters where every process runs them: at import time, or in the pool's `initializer`",
        Facility::Decimal => "set the context in the child: at import time, in the pool's `initializer`, or with `decimal.localcontext()` in the worker",
    }
}
