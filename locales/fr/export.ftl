export-ready = Voici tout ce que nous détenons sur vous, au format JSON. Gardez-le en lieu sûr : ce sont vos données.
