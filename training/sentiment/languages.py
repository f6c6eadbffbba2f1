"""Headlines in other languages: how the service's language check reads them, and the
English it must leave alone (`make evaluate-languages`).

The service answers a headline in another language as unread (app/sentiment/language.py).
That is right only if the check finds such headlines and leaves English ones, names and
all, to the model. Three measures:

- ``foreign``: 100 headlines in French, German, Spanish, Italian, Portuguese, Dutch and
  Swedish, written for this project in the style of each language's financial press
  (none taken from any data set): how many the check finds, and with the right code;
- ``english_named``: 20 English headlines whose companies or places carry foreign words
  ("Banca Monte dei Paschi di Siena", "Société Générale"): how many stay English;
- the English corpora: every SEntFiN title and every TFNS post, with how many the check
  calls another language (TFNS holds some posts in other languages; they are listed).

Each as the service asks: a text the model knows whole (its `coverage`, from `--model`,
default the newest headline model) is English unasked. With `--check-all` the check is
asked about every text, as the measures' first run did. Then the model's accuracy on
the two fixed test sets as the service answers, without the check and with it
(`as_unread` and `best_labels`: another language is 1/3 each, and a tie is neutral).
The check's languages and threshold were set before these counts; what changed after
is in docs/models/sentiment.md ("Headlines in other languages").
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from app.model_store import load, version_dir
from app.sentiment.language import ENGLISH, LanguageCheck
from app.sentiment.service import as_unread, best_labels
from training.sentiment import sentfin, tfns

ROOT = Path(__file__).resolve().parents[2]

# fmt: off
FOREIGN: tuple[tuple[str, str], ...] = (
    ("fr", "La Bourse de Paris termine en baisse"),
    ("fr", "Le bénéfice net de Renault recule de 20 % au premier trimestre"),
    ("fr", "Les ventes de LVMH progressent fortement en Asie"),
    ("fr", "La BCE relève ses taux pour la troisième fois"),
    ("fr", "Le chômage augmente en France"),
    ("fr", "TotalEnergies annonce un rachat d'actions de 2 milliards d'euros"),
    ("fr", "Air France-KLM creuse sa perte au deuxième trimestre"),
    ("fr", "Le CAC 40 gagne 1,2 % porté par le luxe"),
    ("fr", "Danone abaisse ses prévisions de croissance"),
    ("fr", "L'inflation ralentit à 2,3 % sur un an"),
    ("fr", "Orange supprime des postes dans ses centres d'appels"),
    ("fr", "Kering chute après un avertissement sur les résultats"),
    ("fr", "Le chiffre d'affaires d'Airbus dépasse les attentes"),
    ("fr", "Société Générale relève son objectif de rentabilité"),
    ("fr", "Les marchés européens ouvrent dans le vert"),
    ("de", "Siemens Aktie fällt nach Gewinnwarnung"),
    ("de", "Der DAX schließt im Minus"),
    ("de", "Volkswagen steigert den Umsatz deutlich"),
    ("de", "Die Inflation in Deutschland sinkt auf zwei Prozent"),
    ("de", "Die Deutsche Bank streicht tausende Stellen"),
    ("de", "BASF senkt die Prognose für das laufende Jahr"),
    ("de", "Adidas übertrifft die Erwartungen der Analysten"),
    ("de", "Die Arbeitslosigkeit steigt im Oktober leicht"),
    ("de", "Allianz erhöht die Dividende um zehn Prozent"),
    ("de", "Zalando verliert nach schwachen Zahlen an der Börse"),
    ("de", "Bayer macht einen Verlust im dritten Quartal"),
    ("de", "Die EZB lässt die Zinsen unverändert"),
    ("de", "Lufthansa kehrt in die Gewinnzone zurück"),
    ("de", "Autobauer leiden unter hohen Energiepreisen"),
    ("de", "Mercedes verkauft weniger Autos in China"),
    ("es", "La bolsa de Madrid cierra con fuertes pérdidas"),
    ("es", "Santander eleva su beneficio un 15 % en el trimestre"),
    ("es", "El paro baja en España por tercer mes consecutivo"),
    ("es", "Las acciones de Inditex suben tras los resultados"),
    ("es", "Iberdrola invierte 3.000 millones en renovables"),
    ("es", "El Ibex 35 recupera los 10.000 puntos"),
    ("es", "Telefónica recorta su deuda y mantiene el dividendo"),
    ("es", "La inflación se modera en noviembre"),
    ("es", "BBVA supera las previsiones de los analistas"),
    ("es", "Repsol gana menos por la caída del petróleo"),
    ("es", "El Banco de España advierte sobre el crecimiento"),
    ("es", "Las ventas de coches caen un 8 % en octubre"),
    ("es", "Ferrovial anuncia la venta de sus aeropuertos"),
    ("es", "La economía mexicana crece más de lo esperado"),
    ("es", "Los precios de la vivienda siguen subiendo"),
    ("it", "La Borsa di Milano chiude in rialzo"),
    ("it", "Utile netto di Enel in calo del 10 per cento"),
    ("it", "Le azioni di Stellantis crollano dopo i conti"),
    ("it", "Intesa Sanpaolo alza le stime per il 2025"),
    ("it", "Piazza Affari apre in calo con le banche"),
    ("it", "Eni aumenta la produzione di gas"),
    ("it", "L'inflazione scende al 2 per cento a ottobre"),
    ("it", "UniCredit lancia un'offerta su Banco BPM"),
    ("it", "Il fatturato di Ferrari supera le attese"),
    ("it", "La disoccupazione sale al 7,8 per cento"),
    ("it", "Generali conferma gli obiettivi del piano"),
    ("it", "Telecom Italia taglia il debito con la vendita della rete"),
    ("it", "Le vendite al dettaglio calano a settembre"),
    ("it", "Leonardo vince una commessa da un miliardo"),
    ("it", "Lo spread tra Btp e Bund si allarga"),
    ("pt", "Ações da Petrobras disparam após resultado recorde"),
    ("pt", "Bolsa brasileira fecha em queda"),
    ("pt", "Vale registra lucro acima das expectativas"),
    ("pt", "O Banco Central mantém a taxa de juros"),
    ("pt", "Inflação no Brasil desacelera em outubro"),
    ("pt", "Itaú aumenta o lucro no terceiro trimestre"),
    ("pt", "Desemprego cai para o menor nível em dez anos"),
    ("pt", "Ambev vende menos cerveja no país"),
    ("pt", "O dólar sobe e a bolsa cai com o cenário externo"),
    ("pt", "Magazine Luiza tem prejuízo no trimestre"),
    ("pt", "A Embraer recebe uma encomenda de 20 jatos"),
    ("pt", "EDP reduz a dívida e melhora as margens"),
    ("pt", "Os preços dos combustíveis voltam a subir"),
    ("pt", "Bradesco corta previsões para o ano"),
    ("pt", "Produção industrial recua em setembro"),
    ("nl", "Aandeel Philips keldert na winstwaarschuwing"),
    ("nl", "De AEX sluit hoger"),
    ("nl", "ASML verhoogt de verwachting voor dit jaar"),
    ("nl", "Shell maakt meer winst dan verwacht"),
    ("nl", "De werkloosheid in Nederland daalt verder"),
    ("nl", "ING schrapt honderden banen"),
    ("nl", "Heineken verkoopt minder bier in Europa"),
    ("nl", "De inflatie stijgt naar vier procent"),
    ("nl", "Ahold Delhaize zet een stap in de Verenigde Staten"),
    ("nl", "Unilever krijgt een nieuwe topman"),
    ("nl", "Beurs Amsterdam opent met verlies"),
    ("nl", "KPN houdt vast aan zijn prognose"),
    ("nl", "Adyen stelt beleggers teleur met de omzetgroei"),
    ("nl", "ABN Amro keert extra dividend uit"),
    ("nl", "Huizenprijzen zijn opnieuw gestegen"),
    ("sv", "Volvo ökar vinsten kraftigt under kvartalet"),
    ("sv", "Stockholmsbörsen stängde på minus"),
    ("sv", "Ericsson varslar tusentals anställda"),
    ("sv", "Riksbanken höjer räntan till fyra procent"),
    ("sv", "H&M tappar försäljning i Tyskland"),
    ("sv", "Arbetslösheten stiger i Sverige"),
    ("sv", "Investor köper fler aktier i bolaget"),
    ("sv", "SEB redovisar ett starkt resultat"),
    ("sv", "Inflationen sjönk i oktober"),
    ("sv", "Spotify går med vinst för första gången"),
)
ENGLISH_NAMED: tuple[str, ...] = (
    "Banco de Sabadell shares rise after takeover bid",
    "Las Vegas Sands jumps on Macau recovery",
    "Deutsche Bank cuts 3,500 jobs",
    "Société Générale profit falls 20%",
    "Nestlé raises full-year sales outlook",
    "L'Oréal sales beat estimates",
    "Banca Monte dei Paschi di Siena shares jump",
    "El Pollo Loco stock slides after CEO exit",
    "La Opala RG Q2 profit rises 12%",
    "Los Angeles port volumes fall for third month",
    "Le Creuset owner explores sale",
    "Grupo Televisa to merge with Univision",
    "Van de Velde raises dividend",
    "Hermès beats forecasts as China demand holds up",
    "Dr. Reddy's gets USFDA nod for generic",
    "Banco do Brasil posts record profit",
    "Caixa Geral de Depósitos repays state aid",
    "Crédit Agricole to buy stake in Banco BPM",
    "Der Spiegel publisher cuts jobs",
    "Casa de Bolsa Finamex fined by regulator",
)
# fmt: on


Coverage = Callable[[Sequence[str]], Sequence[float] | None]


def check_all(texts: Sequence[str]) -> None:
    """No coverage: the check is asked about every text."""
    return None


Outputs = Callable[[Sequence[str]], dict[str, np.ndarray]]


def model_outputs(model: Path) -> Outputs:
    """The model's probabilities and coverage for each text, loaded as the service loads
    it, in calls of 256. Each text is read once: the test sets are also in the corpora."""
    loaded = load(model.parent.parent, model.parent.name, int(model.name))
    labels = tuple(loaded.metadata.get("labels", sentfin.LABELS))
    if labels != sentfin.LABELS:
        raise ValueError(f"{model}: labels {list(labels)}, expected {list(sentfin.LABELS)}")
    read: dict[str, tuple[np.ndarray, float]] = {}

    def outputs(texts: Sequence[str]) -> dict[str, np.ndarray]:
        new = list(dict.fromkeys(t for t in texts if t not in read))
        for i in range(0, len(new), 256):
            part = loaded.predict_outputs(new[i : i + 256])
            rows = zip(part[loaded.output_name], part["coverage"].tolist(), strict=True)
            read.update(zip(new[i : i + 256], rows, strict=True))
        return {
            "probabilities": np.stack([read[t][0] for t in texts]),
            "coverage": np.array([read[t][1] for t in texts]),
        }

    return outputs


def coverage_of(outputs: Outputs) -> Coverage:
    return lambda texts: outputs(texts)["coverage"].tolist()


def foreign_rates(check: LanguageCheck, coverage: Coverage = check_all) -> dict[str, Any]:
    """How many of FOREIGN the check finds, with the right code, per language and all."""
    texts = [t for _, t in FOREIGN]
    found = check.languages(texts, coverage(texts))
    by_language: dict[str, dict[str, int]] = {}
    for (lang, _), got in zip(FOREIGN, found, strict=True):
        row = by_language.setdefault(lang, {"n": 0, "found": 0, "right_code": 0})
        row["n"] += 1
        row["found"] += got != ENGLISH
        row["right_code"] += got == lang
    missed = [t for (_, t), got in zip(FOREIGN, found, strict=True) if got == ENGLISH]
    return {
        "n": len(FOREIGN),
        "found": sum(g != ENGLISH for g in found),
        "right_code": sum(g == lang for (lang, _), g in zip(FOREIGN, found, strict=True)),
        "by_language": by_language,
        "missed": missed,
    }


def english_named_rates(check: LanguageCheck, coverage: Coverage = check_all) -> dict[str, Any]:
    found = check.languages(ENGLISH_NAMED, coverage(ENGLISH_NAMED))
    return {
        "n": len(ENGLISH_NAMED),
        "english": sum(g == ENGLISH for g in found),
        "called_other": [(t, g) for t, g in zip(ENGLISH_NAMED, found, strict=True) if g != ENGLISH],
    }


def corpora() -> dict[str, list[str]]:
    titles = [h.title for h in sentfin.load(sentfin.COMMITTED)]
    return {
        "sentfin_titles": titles,
        "tfns_train": [h.text for h in tfns.load(tfns.TRAIN)],
        "tfns_validation": [h.text for h in tfns.load(tfns.TEST)],
    }


def corpus_rates(
    check: LanguageCheck, texts: Sequence[str], coverage: Coverage = check_all
) -> dict[str, Any]:
    found = check.languages(texts, coverage(texts))
    other = [(g, t) for g, t in zip(found, texts, strict=True) if g != ENGLISH]
    return {
        "n": len(texts),
        "other": len(other),
        "by_language": dict(Counter(g for g, _ in other).most_common()),
        "texts": other,
    }


def served_accuracy(
    check: LanguageCheck, outputs: Outputs, ask_all: bool
) -> dict[str, dict[str, float | int]]:
    """The model's accuracy on each fixed test set as the service answers without the
    check, and with it (`as_unread`: another language, 1/3 each)."""
    _, sentfin_test = sentfin.split(sentfin.load(sentfin.COMMITTED))
    tfns_test = tfns.load(tfns.TEST)
    sets = {
        "sentfin_test": ([h.title for h in sentfin_test], [h.label for h in sentfin_test]),
        "tfns_validation": ([h.text for h in tfns_test], [h.label for h in tfns_test]),
    }
    names = list(sentfin.LABELS)
    out: dict[str, dict[str, float | int]] = {}
    for name, (texts, labels) in sets.items():
        found = outputs(texts)
        rows = found["probabilities"].astype(np.float64)
        told = check.languages(texts, None if ask_all else found["coverage"].tolist())
        alone = [names[k] for k in best_labels(rows, names)]
        as_unread(rows, told)
        served = [names[k] for k in best_labels(rows, names)]
        out[name] = {
            "n": len(texts),
            "other_language": sum(g != ENGLISH for g in told),
            "accuracy_without_check": _accuracy(alone, labels),
            "accuracy_with_check": _accuracy(served, labels),
        }
    return out


def _accuracy(answers: Sequence[str], labels: Sequence[str]) -> float:
    return round(float(np.mean([a == y for a, y in zip(answers, labels, strict=True)])), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="default: the newest headline model")
    parser.add_argument("--check-all", action="store_true", help="ask about every text")
    parser.add_argument("--out", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    model = args.model or version_dir(ROOT / "models" / "sentiment")
    outputs = model_outputs(model.resolve())
    coverage = check_all if args.check_all else coverage_of(outputs)
    check = LanguageCheck()
    result: dict[str, Any] = {
        "model": str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model),
        "check_all": args.check_all,
        "foreign": foreign_rates(check, coverage),
        "english_named": english_named_rates(check, coverage),
        "corpora": {name: corpus_rates(check, t, coverage) for name, t in corpora().items()},
    }
    f, e = result["foreign"], result["english_named"]
    print(
        f"foreign headlines found: {f['found']} / {f['n']} ({f['right_code']} with the right code)"
    )
    for lang, row in f["by_language"].items():
        print(f"  {lang}: {row['found']} / {row['n']} found, {row['right_code']} right code")
    print(f"  missed: {f['missed']}")
    print(f"English headlines with foreign names kept English: {e['english']} / {e['n']}")
    print(f"  called another language: {e['called_other']}")
    for name, row in result["corpora"].items():
        print(f"{name}: {row['other']} of {row['n']} called another language {row['by_language']}")
        for lang, text in row["texts"]:
            print(f"  {lang}  {text[:100]}")
    result["served"] = served_accuracy(check, outputs, args.check_all)
    for name, row in result["served"].items():
        print(
            f"{name}: {row['other_language']} of {row['n']} another language; served accuracy "
            f"{row['accuracy_without_check']} without the check, "
            f"{row['accuracy_with_check']} with it"
        )
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
