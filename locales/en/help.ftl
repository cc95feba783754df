help-intro = Here is what I can do:
help-more = Send /help followed by a command name for its options, e.g. /help language.
help-optional = optional
help-repeatable = repeatable, up to { $max } times
help-default = default
