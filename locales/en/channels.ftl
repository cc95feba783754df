## Channels: connections, manual numbers, CSV import.

cmd-stats = Your numbers: totals, changes and a chart, or add them by hand
cmd-stats-show = Totals and changes over a period, with a chart
opt-stats-show-period = 7d, 28d, 90d, 365d or a range like 2026-10-01..2026-10-31
opt-stats-show-platform = all, youtube, tiktok or instagram
cmd-stats-add = Add one day's numbers by hand (any subset of metrics)
opt-stats-add-platform = youtube, tiktok or instagram
opt-stats-add-date = The day: YYYY-MM-DD, today or yesterday
opt-stats-add-views = Views that day
opt-stats-add-likes = Likes that day
opt-stats-add-comments = Comments that day
opt-stats-add-shares = Shares that day
opt-stats-add-followers = Total followers on that day
opt-stats-add-watch_minutes = Minutes watched that day
stats-add-saved = Saved for { $platform } on { $date }: { $metrics }.
stats-add-bad-date = I can't read the date "{ $date }". Write it as YYYY-MM-DD (for example 2026-03-01), today or yesterday.
stats-add-future-date = { $date } is in the future: numbers can only be added for today or earlier.
stats-add-negative = { $metric } can't be negative: give 0 or more.
stats-add-no-metric = Give at least one number, for example: /stats add youtube today views=1200 likes=80

cmd-import = Import daily numbers from a CSV file
opt-import-path = The CSV file's path (console only)
opt-import-platform = Whose numbers: youtube, tiktok or instagram
import-how = Send the CSV file here as a document (in the console: /import PATH youtube). It needs a date column and metric columns; /help import lists them.
import-send-file = Send the CSV file here as a document: I only read file paths in the console.
import-too-big = That file is over 5 MB. Split it by period and send the parts one by one.
import-unreadable = I can't read { $path }. Check the path and send /import again.
import-done = Imported { $days } days for { $platforms }.
import-empty = That file has no rows to import. Check that it has a header line and at least one day.
import-no-date-column = That file has no date column. Name it date (or jour) and send it again.
import-no-metric-column = That file has no column I know, such as views, likes, comments, shares, followers or watch_minutes. Rename the columns and send it again.
import-no-platform-console = Which platform are these numbers for? Add it after the path, for example /import numbers.csv youtube, or add a platform column.
import-no-platform-file = Which platform are these numbers for? Put youtube, tiktok or instagram in the file's name, or add a platform column, and send it again.
import-bad-date = Line { $line }: I can't read the date "{ $value }". Write dates as YYYY-MM-DD; nothing was imported.
import-future-date = Line { $line }: { $value } is in the future. Remove that line; nothing was imported.
import-bad-number = Line { $line }: "{ $value }" in { $column } isn't a whole number of 0 or more. Fix it; nothing was imported.
import-repeated = Line { $line }: { $value } appears twice. Keep one line per day; nothing was imported.
import-unknown-platform = Line { $line }: "{ $value }" isn't youtube, tiktok or instagram. Fix it; nothing was imported.
import-unreadable-line = Line { $line } can't be read (check its quotes and separators); nothing was imported.

cmd-channels = Your connected channels and their sync status
channels-none = No channels yet. Connect one with /connect youtube (or tiktok, instagram), or add numbers by hand with /stats add.
channels-heading = Your channels:
channels-status-active = connected
channels-status-reconnect = needs you to reconnect (/connect)
channels-status-disconnected = disconnected, history kept
channels-status-manual = numbers added by hand or CSV
channels-status-demo = demo data
channels-last-sync = last sync { $when }
channels-never-synced = not synced yet
channels-quota = { $units } API units used today
forget-erased-channels = { $count } channel connections, their tokens and their numbers
channels-just-connected = Welcome back! The channel you just connected:
channels-just-connected-next = Its first numbers arrive within minutes: /sync fetches them now, /stats shows them.
