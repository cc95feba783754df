## Interface console.

console-no-button = Il n'y a pas de bouton { $number } sur le dernier message qui en a.
console-invalid-utf8 = Je n'ai pas pu lire cette ligne : ce n'est pas du texte UTF-8 valide. Vérifiez l'encodage de votre terminal et renvoyez-la.
console-demo-unavailable = Les données de démonstration ne sont pas encore disponibles : elles arrivent avec la connexion des chaînes.
