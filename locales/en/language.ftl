language-current = I'm speaking { $language }. Choose another language:
language-name-en = English
language-name-fr = French
language-button-en = English
language-button-fr = Français
language-set = Done: I'll answer in English from now on.
