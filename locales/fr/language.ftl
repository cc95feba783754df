language-current = Je parle { $language }. Choisissez une autre langue :
language-name-en = anglais
language-name-fr = français
language-button-en = English
language-button-fr = Français
language-set = C'est fait : je vous réponds désormais en français.
