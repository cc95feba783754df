## Console front end.

console-no-button = There is no button { $number } on the last message with buttons.
console-invalid-utf8 = I couldn't read that line: it isn't valid UTF-8 text. Check your terminal's encoding and send it again.
console-demo-loaded = Demo creator loaded: two sample channels (YouTube and TikTok, 120 days, 20 videos each, labelled "Demo · sample data"). Try /stats, /digest now or /channels.
console-demo-already = The demo channels are already on this account. Try /stats or /digest now.
