# Front end Discord
discord-answer-button = Répondre
discord-file-too-big = Ce fichier est trop gros pour moi : j’accepte les pièces jointes jusqu’à { $max_mb } Mo. Joignez-en un plus petit.
discord-file-failed = Je n’ai pas pu télécharger cette pièce jointe depuis Discord. Relancez la commande dans un instant, s’il vous plaît.
