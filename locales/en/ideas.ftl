## /ideas: the brainstorm.

cmd-ideas = Brainstorm video ideas grounded in your own best content
cmd-ideas-new = Start a brainstorm (niche, platform, how many ideas)
opt-ideas-new-niche = Your niche, e.g. cooking (remembered)
opt-ideas-new-platform = any, youtube, tiktok or instagram
opt-ideas-new-count = How many ideas, 1 to 10 (default 5)
cmd-ideas-end = End the brainstorm in this chat

ideas-thinking = 💡 Thinking about ideas for { $niche }…
ideas-thinking-channel = 💡 Thinking about ideas for your channel…
ideas-heading = { $count ->
    [one] Here is your idea.
   *[other] Here are { $count } ideas.
}
ideas-follow-up-hint = Tell me what to change ("shorter hooks", "more like #2", "for TikTok instead") or press Refine; /ideas end finishes.
ideas-button-refine = Refine
ideas-refine-question = What should change in these ideas?
ideas-brainstorm-on = Give me { $count } video ideas that build on «{ $title }», which is outperforming on { $platform }.
ideas-more-like = More ideas like «{ $title }», please.
ideas-idea-title = { $n }. { $title }
ideas-idea-hook = Hook: { $hook }
ideas-idea-meta = { $duration } · { $platform }
ideas-button-save = Save
ideas-button-expand = Expand
ideas-button-more = More like this
ideas-button-discard = Discard
ideas-saved = Saved as idea #{ $number }. /idea list shows your backlog.
ideas-discarded = Discarded.
ideas-expansion = { $title }
    Hook: { $hook }
    Opening (30 s): { $script }
    Titles to test: A) { $title_a } B) { $title_b }
ideas-ended = Brainstorm ended. /ideas starts a new one.
ideas-no-conversation = There is no brainstorm going on here. Start one with /ideas cooking (your niche).
ideas-plan-limit = You have used the { $limit } idea requests of your plan this month, so nothing was asked. /plan shows what the next plan gives.
ideas-ai-busy = The AI is not answering right now (nothing was counted). Try again in a minute; your brainstorm is kept.
ideas-ai-filtered = The AI declined to answer that request (its content filter). Rephrase it and try again; nothing was counted.
ideas-ai-misconfigured = The AI model is not available on our side (nothing was counted). We have been told; try again later.
ideas-ai-failed = The AI's answer could not be used (nothing was counted). Try again; your brainstorm is kept.
ideas-ai-malformed = The AI's answer was not usable, even on a second try (nothing was counted). Try again in a moment.
ideas-offline-heading = 📊 Data-driven ideas (no AI here): built from your own videos and numbers of the last 90 days.
ideas-budget-reached = Our AI budget for today is used up, back tomorrow. Meanwhile, 📊 data-driven ideas built from your own videos and numbers:
ideas-offline-no-data = I need some of your videos to suggest ideas from your numbers. Connect a channel with /connect youtube, then try /ideas again.
ideas-expand-needs-ai = Expanding an idea needs the AI, which is not configured here. Your idea stays as it is; save it with its Save button.
ideas-expand-budget = Our AI budget for today is used up, back tomorrow: try Expand again then.

idea-data-length-short = short (under a minute)
idea-data-length-medium = medium-length (1 to 10 minutes)
idea-data-length-long = long (over 10 minutes)
idea-day-mon = Monday
idea-day-tue = Tuesday
idea-day-wed = Wednesday
idea-day-thu = Thursday
idea-day-fri = Friday
idea-day-sat = Saturday
idea-day-sun = Sunday
idea-data-followup-title = { $title } — part 2
idea-data-followup-hook = «{ $title }» reached { $views } views: here is what comes next.
idea-data-followup-description = A follow-up to one of your best videos of the last 90 days: { $views } views where your videos usually get { $usual }, with { $engagement } engagement. Pick up where it stopped and answer its comments.
idea-data-followup-description-views = A follow-up to one of your best videos of the last 90 days: { $views } views where your videos usually get { $usual }. Pick up where it stopped and answer its comments.
idea-data-length-title = Another { $length } video in the style of «{ $title }»
idea-data-length-hook = If you liked «{ $title }», this one goes further.
idea-data-length-description = Your { $length } videos get a median of { $median } views, more than your other lengths; «{ $title }» is the best of them.
idea-data-day-title = Publish on { $day }: a new take on «{ $title }»
idea-data-day-hook = Remember «{ $title }»? Here is a new angle.
idea-data-day-description = Your videos published on { $day } average { $views } views, your best day of the week.
idea-data-engagement-title = Q&A: your questions about «{ $title }»
idea-data-engagement-hook = «{ $title }» got the most comments and likes per view: let's answer you.
idea-data-engagement-description = It had { $engagement } engagement, your best rate of the last 90 days.
