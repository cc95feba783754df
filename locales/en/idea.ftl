## /idea: the backlog of saved ideas.

cmd-idea = Your saved video ideas: list, show, status, edit, delete
cmd-idea-list = Your saved ideas, newest first
opt-idea-list-status = Only this status
cmd-idea-show = Everything about one idea
opt-idea-show-number = Idea number (see /idea list)
cmd-idea-status = Mark an idea saved, in progress or published
opt-idea-status-number = Idea number (see /idea list)
opt-idea-status-status = New status
cmd-idea-edit = Change an idea's title, hook or description
opt-idea-edit-number = Idea number (see /idea list)
opt-idea-edit-title = New title
opt-idea-edit-hook = New hook (- removes it)
opt-idea-edit-description = New description (- removes it)
cmd-idea-delete = Delete an idea (asks first)
opt-idea-delete-number = Idea number (see /idea list)

idea-list-empty = No saved ideas yet. Brainstorm some with /ideas and save the ones you like.
idea-list-empty-status = No ideas are { $status }. /idea list shows them all.
idea-list-heading = { $count ->
        [one] One idea:
       *[other] { $count } ideas, newest first:
    }
idea-list-more = { $count ->
        [one] …and one older idea: narrow the list with /idea list saved, in_progress or published.
       *[other] …and { $count } older ones: narrow the list with /idea list saved, in_progress or published.
    }
idea-not-found = There is no idea #{ $number }. /idea list shows the numbers of your ideas.
idea-status-saved = saved
idea-status-in-progress = in progress
idea-status-published = published
idea-platform-any = any platform
idea-heading = #{ $number } · { $title }
idea-hook = Hook: { $hook }
idea-facts = Status: { $status } · Platform: { $platform }
idea-duration = Suggested length: { $duration }
idea-niche = Niche: { $niche }
idea-saved-on = Saved on { $date }
idea-expansion-heading = Developed:
idea-expansion-hook = • Hook: { $hook }
idea-expansion-opening = • Opening (30 seconds): { $script }
idea-expansion-titles = • Titles to A/B test: «{ $a }» / «{ $b }»
idea-unknown = —
idea-video-results = Published as «{ $title }» on { $provider }, { $date }: { $views } views · { $likes } likes · { $comments } comments
idea-status-set = Idea #{ $number } is now { $status }.
idea-link-ask = Is one of these the video this idea became? Link it to see its results here.
idea-link-button = Yes, it's «{ $title }»
idea-link-none = I don't see a matching video yet. Once it is synced, /idea show { $number } will offer to link it.
idea-linked = Linked: idea #{ $number } now shows its video's results.
idea-link-gone = That idea or that video no longer exists. /idea list shows your ideas.
idea-edit-nothing = Say what to change, e.g. /idea edit { $number } title="New title" (fields: title, hook, description).
idea-edited = Idea #{ $number } updated.
idea-field-empty = The { $field } cannot be empty: type the new text.
idea-field-too-long = The { $field } is { $length } characters long; keep it under { $max }.
idea-invalid-duration = A suggested length of { $value } seconds is not possible: it must be between 1 second and 3 hours.
idea-delete-confirm = Delete idea #{ $number } «{ $title }»? This cannot be undone, and the number will not be used again.
idea-delete-button = Delete #{ $number }
idea-deleted = Idea #{ $number } deleted.
idea-already-deleted = That idea was already deleted. /idea list shows the others.

forget-erased-ideas = { $count ->
        [one] one saved idea
       *[other] { $count } saved ideas
    }
forget-erased-idea-conversations = { $count ->
        [one] one brainstorm conversation
       *[other] { $count } brainstorm conversations
    }
