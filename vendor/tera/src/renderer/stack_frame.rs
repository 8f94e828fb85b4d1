use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::context::dotted_pointer;
use crate::renderer::for_loop::ForLoop;
use crate::template::Template;

pub type Val<'a> = Cow<'a, Value>;

/// The variables a frame assigns (`set`, macro arguments). Plansite patch: a frame holds a
/// handful of them, so a vector searched in order beats a `HashMap`, whose SipHash of the
/// name was most of the cost of looking up a variable.
#[derive(Debug, Default)]
pub struct FrameContext<'a>(Vec<(&'a str, Val<'a>)>);

impl<'a> FrameContext<'a> {
    pub fn new() -> Self {
        FrameContext(Vec::new())
    }

    pub fn with_capacity(n: usize) -> Self {
        FrameContext(Vec::with_capacity(n))
    }

    pub fn get(&self, key: &str) -> Option<&Val<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Like `HashMap::insert`: a second value for the same name replaces the first.
    pub fn insert(&mut self, key: &'a str, value: Val<'a>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&&'a str, &Val<'a>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// Gets a value within a value by pointer, keeping lifetime
#[inline]
pub fn value_by_pointer<'a>(pointer: &str, val: &Val<'a>) -> Option<Val<'a>> {
    match *val {
        Cow::Borrowed(r) => dotted_pointer(r, pointer).map(Cow::Borrowed),
        Cow::Owned(ref r) => dotted_pointer(r, pointer).map(|found| Cow::Owned(found.clone())),
    }
}

/// Plansite patch: a variable's name split at its first dot, `root.tail`, once per lookup.
/// `tail` is `None` without a dot (and `Some("")` for a name ending in one).
#[derive(Debug, Clone, Copy)]
pub struct VarPath<'k> {
    pub whole: &'k str,
    pub root: &'k str,
    pub tail: Option<&'k str>,
}

impl<'k> VarPath<'k> {
    pub fn new(whole: &'k str) -> Self {
        match whole.split_once('.') {
            Some((root, tail)) => VarPath { whole, root, tail: Some(tail) },
            None => VarPath { whole, root: whole, tail: None },
        }
    }
}

/// Enumerates the types of stack frames
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrameType {
    /// Original frame
    Origin,
    /// New frame for macro call
    Macro,
    /// New frame for for loop
    ForLoop,
    /// Include template
    Include,
}

/// Entry in the stack frame
#[derive(Debug)]
pub struct StackFrame<'a> {
    /// Type of stack frame
    pub kind: FrameType,
    /// Frame name for context/debugging
    pub name: &'a str,
    /// Assigned value (via {% set ... %}, {% for ... %}, {% namespace::macro(a=a, b=b) %})
    ///
    /// - {% set ... %} adds to current frame_context
    /// - {% for ... %} builds frame_context before iteration
    /// - {% namespace::macro(a=a, b=b)} builds frame_context before invocation
    context: FrameContext<'a>,
    /// Active template for frame
    pub active_template: &'a Template,
    /// `ForLoop` if frame is for a for loop
    pub for_loop: Option<ForLoop<'a>>,
    /// Macro namespace if MacroFrame
    pub macro_namespace: Option<&'a str>,
}

impl<'a> StackFrame<'a> {
    pub fn new(kind: FrameType, name: &'a str, tpl: &'a Template) -> Self {
        StackFrame {
            kind,
            name,
            context: FrameContext::new(),
            active_template: tpl,
            for_loop: None,
            macro_namespace: None,
        }
    }

    pub fn new_for_loop(name: &'a str, tpl: &'a Template, for_loop: ForLoop<'a>) -> Self {
        StackFrame {
            kind: FrameType::ForLoop,
            name,
            context: FrameContext::new(),
            active_template: tpl,
            for_loop: Some(for_loop),
            macro_namespace: None,
        }
    }

    pub fn new_macro(
        name: &'a str,
        tpl: &'a Template,
        macro_namespace: &'a str,
        context: FrameContext<'a>,
    ) -> Self {
        StackFrame {
            kind: FrameType::Macro,
            name,
            context,
            active_template: tpl,
            for_loop: None,
            macro_namespace: Some(macro_namespace),
        }
    }

    pub fn new_include(name: &'a str, tpl: &'a Template) -> Self {
        StackFrame {
            kind: FrameType::Include,
            name,
            context: FrameContext::new(),
            active_template: tpl,
            for_loop: None,
            macro_namespace: None,
        }
    }

    /// Finds a value in the stack frame.
    /// Looks first in `frame_context`, then compares to for_loop key_name and value_name.
    /// Plansite patch: takes the name already split at its first dot (it was `find_value(key)`),
    /// so that the call stack splits it once for all frames instead of once or twice in each.
    pub fn find_path(&self, path: &VarPath<'_>) -> Option<Val<'a>> {
        self.find_path_in_frame(path).or_else(|| self.find_path_in_for_loop(path))
    }

    /// Finds a value in `frame_context`.
    fn find_path_in_frame(&self, path: &VarPath<'_>) -> Option<Val<'a>> {
        match path.tail {
            Some(tail) => self.context.get(path.root).and_then(|v| value_by_pointer(tail, v)),
            None => self.context.get(path.root).cloned(),
        }
    }

    /// Finds a value in the `for_loop` if there is one
    fn find_path_in_for_loop(&self, path: &VarPath<'_>) -> Option<Val<'a>> {
        let for_loop = self.for_loop.as_ref()?;
        // 1st case: the variable is the key of a KeyValue for loop
        if for_loop.is_key(path.whole) {
            return Some(Cow::Owned(Value::String(for_loop.get_current_key())));
        }
        let tail = path.tail.unwrap_or("");

        // 2nd case: one of Tera loop built-in variable
        if path.root == "loop" {
            return match tail {
                "index" => Some(Cow::Owned(Value::Number((for_loop.current + 1).into()))),
                "index0" => Some(Cow::Owned(Value::Number(for_loop.current.into()))),
                "first" => Some(Cow::Owned(Value::Bool(for_loop.current == 0))),
                "last" => Some(Cow::Owned(Value::Bool(for_loop.current == for_loop.len() - 1))),
                _ => None,
            };
        }

        // Last case: the variable is/starts with the value name of the for loop
        // The `set` case will have been taken into account before
        if path.root != for_loop.value_name {
            return None;
        }
        match path.tail {
            // Exact match to the loop value and no tail
            None => Some(for_loop.get_current_value()),
            Some("") => None,
            Some(tail) => value_by_pointer(tail, &for_loop.get_current_value()),
        }
    }

    /// Insert a value in the context
    pub fn insert(&mut self, key: &'a str, value: Val<'a>) {
        self.context.insert(key, value);
    }

    /// Context is cleared on each loop
    pub fn clear_context(&mut self) {
        if self.for_loop.is_some() {
            self.context.clear();
        }
    }

    pub fn context_owned(&self) -> HashMap<String, Value> {
        let mut context = HashMap::new();

        for (key, val) in self.context.iter() {
            context.insert((*key).to_string(), val.clone().into_owned());
        }

        context
    }
}
