"""What the demo customers say when they dispute, and the names of the files they send."""

HONEST_WORDS = {
    "A1": [
        "Le prix unitaire facturé ne correspond pas au devis signé (remise de 8 % oubliée).",
        "La remise annuelle convenue n'apparaît pas sur la facture.",
    ],
    "A2": [
        "Cette facture fait doublon avec la précédente pour la même livraison.",
        "Facture reçue deux fois sous deux numéros différents.",
    ],
    "A3": ["Taux de TVA erroné : 20 % au lieu de 5,5 % sur les lignes concernées."],
    "B1": [
        "Nous avons reçu 40 unités au lieu de 60 ; le bon de livraison le confirme.",
        "Référence livrée différente de la commande, marchandise tenue à votre disposition.",
    ],
    "B2": [
        "Trois cartons arrivés endommagés, réserves portées sur le bon du transporteur.",
        "Palette écrasée à la livraison, photos jointes.",
    ],
    "C1": ["Le commercial avait accordé un report de facturation, non repris sur la facture."],
    "C2": ["Geste commercial promis après le retard de la commande précédente."],
    "D1": ["L'équipement installé tombe en panne depuis la mise en service."],
    "E1": [
        "Le lot livré ne respecte pas la tolérance du cahier des charges.",
        "Prestation de maintenance incomplète : deux machines non révisées.",
    ],
    "F1": ["Aucun bon de commande de notre part pour cette facture."],
    "F2": [
        "Facture adressée à notre ancienne raison sociale, à refaire au nom de la filiale.",
        "Mauvaise adresse de facturation : notre service comptable ne peut pas l'enregistrer.",
    ],
    "F3": ["Facture jamais reçue par notre service comptable, merci de la renvoyer."],
}

TACTIC_WORDS = [
    "Nous contestons cette facture dans son intégralité.",
    "Le montant n'est pas conforme à ce qui avait été convenu oralement.",
    "La prestation ne nous donne pas satisfaction, nous ne réglerons pas en l'état.",
    "Marchandise non conforme, nous suspendons le paiement.",
    "Nous attendons des explications avant tout règlement.",
]

NOT_RECEIVED_WORDS = [
    "Nous n'avons jamais reçu cette facture.",
    "Facture inconnue de notre comptabilité.",
    "Pas de trace de cette facture chez nous, merci de la renvoyer.",
]

EVIDENCE_NAMES = {
    "B1": ["bon-de-livraison.pdf", "photo-palette.jpg"],
    "B2": ["photo-colis-abime.jpg", "reserves-transporteur.pdf"],
    "E1": ["rapport-controle-qualite.pdf", "photo-defaut.jpg"],
    "D1": ["rapport-intervention.pdf"],
    "A1": ["devis-signe.pdf", "conditions-tarifaires.pdf"],
    "A2": ["facture-doublon.pdf"],
    "default": ["courrier-client.pdf", "echange-email.pdf"],
}
