"""Word lists for the demo company: French company names, sectors, people, streets and cities.

Everything here is invented; any likeness to a real company is chance. E-mail addresses use
subdomains of ``example.com`` (reserved by RFC 2606) so demo mail can never reach a real inbox.
"""

# (sector code, words that start a company name)
SECTORS = [
    ("transport", ["Transports", "Logistique", "Messageries"]),
    ("construction", ["Bâtiment", "Maçonnerie", "Constructions"]),
    ("joinery", ["Menuiserie", "Charpentes", "Agencement"]),
    ("food", ["Boulangerie industrielle", "Conserverie", "Fromagerie"]),
    ("wine", ["Vignobles", "Domaine", "Caves"]),
    ("metal", ["Métallerie", "Chaudronnerie", "Mécanique de précision"]),
    ("plastics", ["Plasturgie", "Emballages", "Moulages"]),
    ("electric", ["Électricité", "Automatismes", "Électrotechnique"]),
    ("it", ["Informatique", "Solutions numériques", "Systèmes"]),
    ("print", ["Imprimerie", "Arts graphiques", "Éditions"]),
    ("cleaning", ["Nettoyage", "Propreté", "Services"]),
    ("textile", ["Textiles", "Confection", "Tissages"]),
    ("garden", ["Paysages", "Jardins", "Espaces verts"]),
    ("medical", ["Laboratoires", "Dispositifs médicaux", "Pharmacie"]),
    ("hotel", ["Hôtellerie", "Restauration", "Traiteur"]),
    ("consulting", ["Conseil", "Études", "Ingénierie"]),
]

# What the demo company (a supplier of industrial equipment and services) invoices.
PRODUCT_LINES = [
    "Fournitures industrielles",
    "Pièces détachées",
    "Contrat de maintenance",
    "Intervention technique",
    "Location de matériel",
    "Installation et mise en service",
    "Consommables",
    "Formation des opérateurs",
]

# Words that finish a company name after the sector word ("Transports Lefebvre", "Emballages
# de l'Ouest", "Menuiserie Atlantique").
PLACE_WORDS = [
    "de l'Ouest",
    "du Centre",
    "du Midi",
    "de Bretagne",
    "d'Alsace",
    "du Rhône",
    "des Alpes",
    "de Provence",
    "du Nord",
    "de Normandie",
    "Atlantique",
    "Méditerranée",
    "du Val de Loire",
    "des Landes",
    "du Languedoc",
    "de la Vallée",
]

INVENTED_WORDS = [
    "Arvel",
    "Belcour",
    "Cendra",
    "Dorval",
    "Estérel",
    "Faubert",
    "Galiane",
    "Hermine",
    "Iséra",
    "Javelle",
    "Kerlan",
    "Loriane",
    "Maurin",
    "Norvège",
    "Orvault",
    "Pradel",
    "Quercy",
    "Roselière",
    "Solvane",
    "Tavel",
    "Ubaye",
    "Valmont",
    "Verdier",
    "Ysère",
]

LEGAL_FORMS_PRIVATE = ["SAS", "SAS", "SAS", "SARL", "SARL", "SA", "SASU", "EURL"]
LEGAL_FORMS_KEY_ACCOUNTS = ["SA", "SAS", "SA", "SAS", "SCA"]

KEY_ACCOUNT_PREFIXES = ["Groupe", "Compagnie", "Société", "Établissements"]

PUBLIC_BODIES = [
    "Commune de {city}",
    "Centre hospitalier de {city}",
    "Communauté d'agglomération de {city}",
    "Lycée professionnel de {city}",
    "Université de {city}",
    "Syndicat des eaux de {city}",
    "Office public de l'habitat de {city}",
    "CCAS de {city}",
]

RETAIL_SHOPS = [
    "Boutique",
    "Quincaillerie",
    "Librairie",
    "Épicerie fine",
    "Jardinerie",
    "Droguerie",
    "Cave",
    "Bazar",
    "Supérette",
    "Fleuriste",
]

FIRST_NAMES = [
    "Camille",
    "Julien",
    "Sophie",
    "Nicolas",
    "Émilie",
    "Thomas",
    "Nathalie",
    "Laurent",
    "Céline",
    "Mathieu",
    "Isabelle",
    "Sébastien",
    "Aurélie",
    "Olivier",
    "Sandrine",
    "Pierre",
    "Hélène",
    "François",
    "Valérie",
    "Antoine",
    "Chloé",
    "Guillaume",
    "Élodie",
    "Jérôme",
    "Marion",
    "Benoît",
    "Léa",
    "Hugo",
    "Inès",
    "Karim",
    "Fatima",
    "Mehdi",
]

LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Chevalier",
    "Benali",
    "Nguyen",
]

# The billing contact first, then the others a collector might call.
BILLING_TITLES = ["Comptable fournisseurs", "Service comptabilité", "Responsable comptable"]
OTHER_TITLES = [
    "Directeur administratif et financier",
    "Directrice financière",
    "Acheteur",
    "Responsable des achats",
    "Gérant",
    "Responsable logistique",
    "Assistante de direction",
]
PUBLIC_BILLING_TITLES = ["Service ordonnancement", "Régie des recettes", "Service financier"]

STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "place du Marché",
    "rue du Général de Gaulle",
    "avenue de la Gare",
    "rue des Écoles",
    "chemin des Vignes",
    "rue de l'Industrie",
    "zone artisanale des Landes",
    "rue Gambetta",
    "allée des Tilleuls",
    "quai des Chartrons",
    "rue Nationale",
    "impasse du Moulin",
    "parc d'activités du Bois Joli",
    "route de Paris",
]

# (city, postal code, phone area digit). Phone numbers are drawn from the ranges the French
# numbering plan keeps for works of fiction (01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49
# and 06 39 98 for mobiles), so a demo never dials a real line.
CITIES = [
    ("Paris", "75011", 1),
    ("Paris", "75015", 1),
    ("Boulogne-Billancourt", "92100", 1),
    ("Nanterre", "92000", 1),
    ("Créteil", "94000", 1),
    ("Versailles", "78000", 1),
    ("Évry-Courcouronnes", "91000", 1),
    ("Cergy", "95000", 1),
    ("Nantes", "44000", 2),
    ("Rennes", "35000", 2),
    ("Brest", "29200", 2),
    ("Angers", "49000", 2),
    ("Tours", "37000", 2),
    ("Orléans", "45000", 2),
    ("Caen", "14000", 2),
    ("Rouen", "76000", 2),
    ("Le Mans", "72000", 2),
    ("Lille", "59000", 3),
    ("Roubaix", "59100", 3),
    ("Amiens", "80000", 3),
    ("Reims", "51100", 3),
    ("Metz", "57000", 3),
    ("Nancy", "54000", 3),
    ("Strasbourg", "67000", 3),
    ("Mulhouse", "68100", 3),
    ("Dijon", "21000", 3),
    ("Besançon", "25000", 3),
    ("Lyon", "69003", 4),
    ("Villeurbanne", "69100", 4),
    ("Saint-Étienne", "42000", 4),
    ("Grenoble", "38000", 4),
    ("Annecy", "74000", 4),
    ("Clermont-Ferrand", "63000", 4),
    ("Marseille", "13008", 4),
    ("Aix-en-Provence", "13100", 4),
    ("Toulon", "83000", 4),
    ("Nice", "06000", 4),
    ("Avignon", "84000", 4),
    ("Montpellier", "34000", 4),
    ("Nîmes", "30000", 4),
    ("Perpignan", "66000", 4),
    ("Bordeaux", "33000", 5),
    ("Mérignac", "33700", 5),
    ("Toulouse", "31000", 5),
    ("Pau", "64000", 5),
    ("Bayonne", "64100", 5),
    ("Limoges", "87000", 5),
    ("Poitiers", "86000", 5),
    ("La Rochelle", "17000", 5),
    ("Agen", "47000", 5),
]

FICTION_PHONE_PREFIX = {
    1: "01 99 00",
    2: "02 61 91",
    3: "03 53 01",
    4: "04 65 71",
    5: "05 36 49",
}
FICTION_MOBILE_PREFIX = "06 39 98"

ACCENTS = str.maketrans("àâäçéèêëîïôöùûüÿœæÉÈÊÀÂÎÔÛÇ", "aaaceeeeiioouuuyoaEEEAAIOUC")


def slug(text: str) -> str:
    """A lowercase ASCII form of a name for e-mail addresses: "Émilie Guérin" -> "emilie-guerin"."""
    plain = text.translate(ACCENTS).lower()
    out = []
    for char in plain:
        if char.isascii() and char.isalnum():
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")
