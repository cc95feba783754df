start-welcome = Welcome to CreatorPilot! I keep an eye on your channels, post a daily digest, brainstorm video ideas from your best content and keep your brand deals and invoices in order.
start-welcome-back = Welcome back, { $name }!
start-what-next = Send /help to see every command, /language to change my language, or /plan to see your plan.
start-ask-name = What should I call you?
start-name-invalid = That name doesn't work: use at most { $max } characters, on one line.
start-name-saved = Nice to meet you, { $name }! Send /help whenever you need me.
start-welcome-first = Welcome to CreatorPilot! Before we begin, please read how I handle your data and accept it.
