## Interface console.

console-no-button = Il n'y a pas de bouton { $number } sur le dernier message qui en a.
console-invalid-utf8 = Je n'ai pas pu lire cette ligne : ce n'est pas du texte UTF-8 valide. Vérifiez l'encodage de votre terminal et renvoyez-la.
console-demo-loaded = Créateur de démonstration chargé : deux chaînes d'exemple (YouTube et TikTok, 120 jours, 20 vidéos chacune, nommées « Demo · sample data »). Essayez /stats, /digest now ou /channels.
console-demo-already = Les chaînes de démonstration sont déjà sur ce compte. Essayez /stats ou /digest now.
