ops-jobs-none = Aucune tâche en échec ou incertaine.
ops-jobs-heading = { $count ->
        [one] Une tâche demande votre attention :
       *[other] { $count } tâches demandent votre attention :
    }
