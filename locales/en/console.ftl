## Console front end.

console-no-button = There is no button { $number } on the last message with buttons.
console-invalid-utf8 = I couldn't read that line: it isn't valid UTF-8 text. Check your terminal's encoding and send it again.
console-demo-unavailable = Demo data is not available yet: it arrives with channel connections.
