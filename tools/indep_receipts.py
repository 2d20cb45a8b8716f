#!/usr/bin/env python3
"""Independent synthetic receipts: JPEG images and ground-truth labels for scoring the engine.

Usage: python tools/indep_receipts.py OUT_DIR --seeds A-B

Draws shop receipts as photographed or scanned: seven countries (US, CA, UK, IE, AU, NZ, SG), eleven
layout families (grocery, restaurant, coffee shop, fuel, pharmacy, hardware, fast food, department
store, card-terminal slip, UK/IE till roll, AU/NZ tax invoice), each country's address, phone,
tax-ID, date and money conventions, sales tax added on top (US, CA) or VAT/GST included (UK, IE,
AU, NZ, SG), discounts, tips, service charges, tender and card-slip blocks, footers, barcodes and QR
codes, in a monospace or proportional font from /usr/share/fonts, then degraded: thermal fading,
paper tint, a background, rotation, perspective, uneven light, a hand's shadow, blur, noise, JPEG.

Written as an independent second opinion, without reading the engine (extraction/) or
tools/synth_receipts.py, so its receipts show blind spots that the engine's own generator, made
alongside the engine, would not.

Writes OUT_DIR/<seed>.jpg and OUT_DIR/<seed>.json for every seed in A..B. Everything is drawn from
random.Random(seed), so a seed always gives the same receipt. Labels are taken from the very strings
that get printed (company, address), from the date object the printed date was formatted from and
from integer-cent arithmetic (total). The label's ``fields``:

- company: the trading name as printed in the header (in capitals when printed so, whitespace
  collapsed); the legal entity's name when that is what heads the receipt.
- address: the printed address lines (in capitals when printed so) joined by spaces; not the
  phone, web, e-mail, store-number, tax-ID, tagline or "operated by" lines. When the address is
  printed as one comma-separated line, that line.
- date: the purchase date, ISO (YYYY-MM-DD).
- total: what was paid, "D.CC": including a tip or service charge when one is printed (a tip
  settled on a card slip or chosen on a coffee-shop screen, service charges, card surcharges); a
  suggested gratuity or a blank tip line is not added.

``meta`` holds the country and the layout.

Seeds 1-999 and 1120-1639 were looked at while improving the engine; seeds 1000-1119 are kept
as a held-out set that is only scored. Score a folder DIR:

    python tools/synth_receipts.py score DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

PoolEntry = tuple[str, float, float]  # (name, lowest price, highest price); see pool()
Item = tuple[str, int, bool]  # (description, cents, taxable)
FlagStyle = Callable[[bool], str] | None  # the tax flag printed after an item's amount

FONT_DIR = "/usr/share/fonts/truetype/"
# (regular, bold, has_euro_sign) under FONT_DIR
MONO = [
    ("dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf", 1),
    ("tlwg/TlwgMono.ttf", "tlwg/TlwgMono-Bold.ttf", 0),
    ("tlwg/TlwgTypewriter.ttf", "tlwg/TlwgTypewriter-Bold.ttf", 0),
    ("tlwg/TlwgTypist.ttf", "tlwg/TlwgTypist-Bold.ttf", 0),
    ("tlwg/TlwgTypo.ttf", "tlwg/TlwgTypo-Bold.ttf", 0),
]
PROP = [
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", 1),
    ("dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf", 1),
    ("noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf", 1),
    ("noto/NotoSerif-Regular.ttf", "noto/NotoSerif-Bold.ttf", 1),
    ("tlwg/Garuda.ttf", "tlwg/Garuda-Bold.ttf", 0),
    ("tlwg/Loma.ttf", "tlwg/Loma-Bold.ttf", 0),
    ("tlwg/Waree.ttf", "tlwg/Waree-Bold.ttf", 1),
    ("tlwg/Umpush.ttf", "tlwg/Umpush-Bold.ttf", 0),
]
DECO = [
    "dejavu/DejaVuSerif-BoldItalic.ttf",
    "noto/NotoSerifDisplay-BoldItalic.ttf",
    "tlwg/Kinnari-BoldItalic.ttf",
    "noto/NotoSerif-Bold.ttf",
    "tlwg/Purisa-Bold.ttf",
    "tlwg/Sawasdee-Bold.ttf",
    "tlwg/Norasi-BoldItalic.ttf",
]
ITAL = "dejavu/DejaVuSerif-Italic.ttf"


def words(text: str) -> list[str]:
    return text.split()


# ------------------------------------------------------------------ word lists
# town syllables (T1 + T2), street names, surnames, first names, shop-name words
T1 = words(
    "Ash Bel Bram Cal Dun Els Fair Glen Hart Kel Lang Mar Nor Oak Pem Quin Ros Stan Thorn Wes Wil "
    "Brook Cor Dal Hol Mill Red Silver Stone Whit Lin Har Ever Sum Bay Cedar Pine Ham Clay Fern "
    "Gold Kings Moss Wolf Elder Frost"
)
T2 = words(
    "ford ton field wood dale bury ville mont ridge haven port well brook stead wick worth ley "
    "view crest burgh more by ham vale"
)
SN = words(
    "Maple Oak Cedar Elm Pine Willow Birch Chestnut Hickory Spruce Laurel Magnolia Park Lake Hill "
    "River Meadow Church Mill Market Bridge Station Spring Orchard Harbor Summit Ridge Valley "
    "Forest Garden Prospect Union Liberty Franklin Madison Monroe Jackson Grant Hamilton Warren "
    "Carver Fulton Kingsley Ashby Delmont Fairview Highland Sunset Crescent Juniper Sycamore "
    "Poplar Quarry Mercer Tanner Cooper Whitmore Abbott Larkin"
)
SUR = words(
    "Delaney Kessler Marlow Hargrove Pruitt Okafor Lindqvist Brennan Castillo Nakamura Whitlock "
    "Fenwick Abernathy Tully Vance Okoro Moreau Halvorsen Quincy Pemberton Rourke Sandoval "
    "Thackeray Ulrich Yardley Zimmer Baptiste Corrigan Dunmore Ellery Fairbanks Gallagher Holloway "
    "Iverson Jarrow Kowalski Lachance Novak Ostrander Petrakis Ramsey Strand Tierney Varga "
    "Whitfield"
)
FIRST = words(
    "Kate Mike Ana Luis Priya Tom Jen Sam Olu Mei Raj Beth Carl Dana Eli Fay Gus Hana Ivan Jo Kim "
    "Leo Max Nia Omar Pat Rosa Ty"
)
ADJ = words(
    "Blue Red Golden Silver Green Copper Rusty Happy Lucky Little Old Wild Sunny Busy Hungry "
    "Humble Crooked Velvet Iron Salty Smoky"
)
NOUN = words(
    "Heron Finch Spoon Kettle Lantern Anchor Acorn Fox Pelican Otter Barrel Bell Compass Harvest "
    "Pantry Oven Skillet Tulip Thistle Bison Sparrow Moose Lark Ember Pepper Clover"
)
BRAND = words(
    "Brindle Corvo Hollis Juniper Kestrel Larch Nettle Pebble Quill Sorrel Tansy Vesper Wren "
    "Yarrow Zephyr Amberly Cobalt Dapple Fennick Orla Tamsin Bexley"
)
TYPES = {
    "grocery": "Market|Foods|Grocers|Supermarket|Fresh Market|Food Store|Marketplace|Food Co-op|"
    "Provisions",
    "restaurant": "Grill|Diner|Bistro|Kitchen|Tavern|Eatery|Trattoria|Taqueria|Chophouse|"
    "Brasserie|Smokehouse",
    "coffee": "Coffee|Coffee Co.|Roasters|Cafe|Espresso Bar|Coffee House|Beanery",
    "fuel": "Fuel|Gas|Petroleum|Fuel Stop|Service Station|Gas & Go|Travel Center",
    "pharmacy": "Pharmacy|Drug|Apothecary|Drugstore|Pharmacy & Wellness",
    "hardware": "Hardware|Lumber|Home & Garden|Building Supply|Tool Supply|Hardware & Rental",
    "fastfood": "Burger|Chicken|Tacos|Subs|Pizza|Burgers & Shakes|Wings",
    "department": "Outfitters|Apparel|Clothing Co.|Boutique|Department Store|Threads|"
    "Mercantile|Dry Goods",
    "bakery": "Bakery|Bakehouse|Patisserie|Hot Bread Shop",
    "butcher": "Butchery|Quality Meats|Butchers",
    "newsagent": "Newsagency|News & Gifts|Convenience",
}
TAGS = [
    "Fresh Food, Friendly Faces",
    "Since 1987",
    "Quality You Can Trust",
    "Your Neighborhood Store",
    "Family Owned",
    "Good Food, Good Mood",
    "Est. 1994",
    "Serving the Community",
    "Always Fresh",
    "Where Locals Shop",
    "Open 7 Days",
    "Proudly Independent",
    "Great Value Every Day",
]


def pool(spec: str) -> list[PoolEntry]:
    """Parse "Name:lo-hi;..." into (name, lo, hi) entries.

    '*' in a name marks a standard-rated (taxable) item, '#' one sold by weight.
    """
    out = []
    for entry in spec.split(";"):
        name, price_range = entry.rsplit(":", 1)
        lo, hi = price_range.split("-")
        out.append((name, float(lo), float(hi)))
    return out


# item pools: US grocery, UK/IE grocery, restaurant, Singapore food, coffee shop, drink add-ons,
# fast food, pharmacy, hardware, department store; AUPOOL: the kinds of the AU/NZ tax invoice
GROC = pool(
    "Bananas#:0.49-0.79;Whole Milk 1gal:2.5-4.5;Large Eggs 12ct:1.9-5;Wheat Bread:2-4.5;Cheddar "
    "Cheese:3-7;Ground Beef 1lb:4-8;Chicken Breast#:2.5-5;Roma Tomatoes#:0.9-2.5;Yellow Onions "
    "3lb:2-4;Russet Potatoes 5lb:3-6;Greek Yogurt:1-6;Orange Juice:3-6;Butter Unsalted:3-6;Penne "
    "Pasta:1-2.5;Marinara Sauce:2-5;Oat Cereal:3-6;Peanut Butter:2.5-5;Strawberries 1lb:2.5-5;Baby "
    "Spinach:2.5-5;Avocados:1-2.5;Coffee Beans:7-14;Paper Towels 6pk*:6-14;Dish Soap*:2-5;"
    "Sparkling Water 8pk*:4-7;Tortilla Chips:2.5-5;Salsa Mild:2.5-4.5;Jasmine Rice:3-9;Frozen "
    "Pizza:4-9;Ice Cream:3.5-7;Gala Apples#:1.2-2.5;Carrots 2lb:1.5-3;Black Beans:0.8-2;Chicken "
    "Soup:1.5-3;Granola Bars:3-5;Laundry Detergent*:8-16;Toilet Tissue 12pk*:7-15;Salmon "
    "Fillet#:7-12;Deli Turkey:5-9;Swiss Cheese:3-7;Hummus:3-5;Cat Food*:1-12;Sour Cream:1.5-3;"
    "Lemons:0.5-1;Blueberries:3-6"
)
UKG = pool(
    "Semi Skimmed Milk 2pt:0.9-1.6;Free Range Eggs 6:1.5-2.5;White Bread 800g:0.9-1.6;Mature "
    "Cheddar 400g:2.5-4;Baked Beans 4pk:1.8-3;Tea Bags 80:1.5-3.5;Digestive Biscuits:0.8-1.6;"
    "Bananas Loose#:0.7-1.3;Orange Juice 1L:1.2-2.2;Crisps Multipack*:1.8-3;Bin Bags*:1.5-3.5;"
    "Washing Up Liquid*:1-2.5;Pork Sausages 8pk:2-3.5;Smoked Bacon:2-3.5;Chocolate Bar*:0.6-1.5;"
    "Rose Wine 75cl*:5-9;Sparkling Water*:0.6-1.2;Porridge Oats:1-2;Frozen Peas:1-2;Toilet Roll "
    "9pk*:3.5-6;Shampoo*:2-5;Chicken Thighs:2.5-4.5;Carrots 1kg:0.5-1;Lager 4x440ml*:4-6"
)
RESTO = pool(
    "Caesar Salad:8-14;Cheeseburger:10-16;Fish Tacos:11-17;Ribeye 12oz:24-38;Chicken "
    "Parmesan:15-22;Margherita Pizza:12-18;Clam Chowder:5-9;Iced Tea:2.5-4;Draft Beer:5-8;House "
    "Red Wine:7-12;Lemonade:3-4.5;Onion Rings:5-8;Wings (10):11-16;Club Sandwich:10-14;Pad "
    "Thai:12-17;Veggie Burger:11-15;Brownie Sundae:6-9;Coffee:2-3.5;Soft Drink:2.5-3.5;Mac & "
    "Cheese:9-14;Shrimp Scampi:17-25;Loaded Nachos:9-14;Pot Roast:15-21;French Onion Soup:6-9;Fish "
    "& Chips:13-19;Greek Salad:9-13;Pancake Stack:7-11;Eggs Benedict:11-15;Side Fries:3-5"
)
SGFOOD = pool(
    "Chicken Rice:4-7;Laksa:5-8;Char Kway Teow:5-8;Nasi Lemak:4-7;Teh Tarik:1.5-2.5;Kopi O:1.2-2;"
    "Fried Rice:6-10;Wonton Noodles:5-7;Iced Lemon Tea:2-3;Satay 10 sticks:8-12;Roti Prata:1.5-3;"
    "Fish Head Curry:18-30"
)
COFFEE = pool(
    "Latte 12oz:3.5-5;Cappuccino:3.5-5;Americano:2.5-4;Drip Coffee:2-3;Flat White:3.5-5;"
    "Mocha:4-5.5;Chai Latte:4-5.5;Cold Brew:3.5-5;Espresso:2-3.5;Croissant:2.5-4;Blueberry "
    "Muffin:2.5-4;Bagel w/ Cream Cheese:3-5;Scone:2.5-4;Banana Bread:3-4.5;Hot Chocolate:3-4.5;"
    "Matcha Latte:4.5-6;Avocado Toast:7-11;Breakfast Sandwich:5-8"
)
MODS = pool(
    "Oat Milk:0.5-0.8;Extra Shot:0.6-1;Vanilla Syrup:0.5-0.75;Almond Milk:0.5-0.8;Whipped "
    "Cream:0.3-0.6"
)
FAST = pool(
    "#1 Combo:7-10;#2 Combo:7-10;#5 Combo:8-11;Double Burger:4-7;Chicken Sandwich:4-7;Small "
    "Fries:1.5-2.5;Large Fries:2.5-4;Nuggets 10pc:4-6;Soft Drink M:1.5-2.5;Milkshake:3-5;Apple "
    "Pie:1-2;Side Salad:2.5-4;Kids Meal:4-6;Fish Sandwich:4-6;Onion Rings:2.5-4;Iced Coffee:2-3.5;"
    "Cookie:1-2;Spicy Wrap:4-6"
)
PHARM = pool(
    "Ibuprofen 200mg 50ct:5-11;Vitamin D3 1000IU:6-12;Allergy Relief 24hr:9-20;Adhesive "
    "Bandages:3-6;Cough Syrup:6-11;Toothpaste:2.5-6;Shampoo:4-9;Body Lotion:5-10;Sunscreen "
    "SPF50:8-14;Cotton Swabs:2-4;Greeting Card:3-7;Multivitamin:8-16;Nasal Spray:7-13;Antacid "
    "Chewables:4-8;Hand Sanitizer:2-5;First Aid Kit:10-20;Lip Balm:2-4"
)
HARDW = pool(
    "2x4x8 Stud:3-6;Deck Screws 1lb:7-12;Wood Glue 8oz:4-7;Paint Brush 2in:4-9;Interior Paint "
    "Gal:25-45;PVC Elbow 1/2in:0.5-1.5;Duct Tape:5-9;LED Bulb 4pk:7-14;Extension Cord 25ft:12-22;"
    "Sandpaper 120G:4-8;Claw Hammer 16oz:12-25;Tape Measure 25ft:9-18;Wire Nuts 25pk:3-6;Silicone "
    "Caulk:5-9;Drill Bit Set:15-35;Hose Nozzle:6-14;Potting Soil:6-12;Work Gloves:6-15;Zip Ties "
    "100pk:4-8;Shelf Bracket:2-5;Padlock:8-16"
)
DEPT = pool(
    "Mens Polo Shirt:20-45;Womens Cardigan:30-60;Denim Jeans:35-80;Kids Sneakers:25-50;Crew Socks "
    "6pk:10-18;Wool Scarf:18-35;Leather Belt:20-40;Bath Towel:8-20;Throw Pillow:15-30;Scented "
    "Candle:10-25;Dress Shirt:30-60;Rain Jacket:45-110;Sunglasses:15-40;Canvas Tote:12-25;Pajama "
    "Set:20-40;Knit Beanie:10-20"
)
AUPOOL = {
    "bakery": pool(
        "Sourdough Loaf:5-9;Meat Pie*:5-7;Sausage Roll*:4-6;Vanilla Slice*:4-6;Lamington*:3-5;"
        "Flat White*:4-5.5;Bread Rolls 6pk:4-6;Finger Bun*:3-4.5;Custard Tart*:3.5-5"
    ),
    "butcher": pool(
        "Lamb Chops:10-20;Beef Mince 500g:7-11;Chicken Thigh Fillets:9-15;Pork Sausages:8-12;"
        "Rump Steak:15-28;BBQ Marinade*:4-7;Bacon 250g:5-8"
    ),
    "newsagent": pool(
        "Newspaper:2-4;Magazine*:6-12;Greeting Card*:4-8;Pen 4pk*:3-6;Phone Charger*:15-25;"
        "Soft Drink 600ml*:3-5;Chocolate Bar*:2-5;Gift Wrap*:3-6"
    ),
    "hardware": HARDW,
    "coffee": COFFEE,
}

# ------------------------------------------------------------------ country conventions
# US state -> range of its ZIP codes' first three digits
US_ST = {
    "NY": (100, 149),
    "CA": (900, 961),
    "TX": (750, 799),
    "IL": (600, 629),
    "OH": (430, 459),
    "FL": (320, 349),
    "PA": (150, 196),
    "WA": (980, 994),
    "GA": (300, 319),
    "NC": (270, 289),
    "MI": (480, 499),
    "AZ": (850, 865),
    "CO": (800, 816),
    "MA": (10, 27),
    "NJ": (70, 89),
    "VA": (220, 246),
    "MN": (550, 567),
    "OR": (970, 979),
    "TN": (370, 385),
    "MO": (630, 658),
    "WI": (530, 549),
    "IN": (460, 479),
}
# province -> (first letters of its postal codes, [(tax, rate)]);
# rates in thousandths of a percent (13000 = 13%)
CA_PROV = {
    "ON": ("KLMNP", [("HST", 13000)]),
    "BC": ("V", [("GST", 5000), ("PST", 7000)]),
    "QC": ("GHJ", [("TPS/GST", 5000), ("TVQ/QST", 9975)]),
    "AB": ("T", [("GST", 5000)]),
    "MB": ("R", [("GST", 5000), ("PST", 7000)]),
    "NS": ("B", [("HST", 15000)]),
    "SK": ("S", [("GST", 5000), ("PST", 6000)]),
}
# state -> postcode range
AU_ST = {
    "NSW": (2000, 2999),
    "VIC": (3000, 3999),
    "QLD": (4000, 4999),
    "SA": (5000, 5799),
    "WA": (6000, 6797),
    "TAS": (7000, 7499),
}
# Irish counties
IE_CO = words(
    "Cork Kerry Galway Mayo Clare Kildare Meath Wicklow Wexford Limerick Tipperary Donegal Sligo "
    "Louth Offaly Kilkenny"
)
CARDS = {
    "US": words("VISA MASTERCARD AMEX DISCOVER DEBIT"),
    "CA": words("VISA MASTERCARD INTERAC AMEX"),
    "UK": ["VISA DEBIT", "MASTERCARD", "CONTACTLESS", "AMEX"],
    "IE": ["VISA DEBIT", "MASTERCARD", "CONTACTLESS"],
    "AU": words("EFTPOS VISA MASTERCARD AMEX"),
    "NZ": words("EFTPOS VISA MASTERCARD"),
    "SG": words("NETS VISA MASTERCARD PAYWAVE"),
}
# currency sign, ISO currency code, VAT/GST rate included in shelf prices (thousandths of a %)
CUR = {"US": "$", "CA": "$", "UK": "£", "IE": "€", "AU": "$", "NZ": "$", "SG": "$"}
CUR2 = {"US": "USD", "CA": "CAD", "UK": "GBP", "IE": "EUR", "AU": "AUD", "NZ": "NZD", "SG": "SGD"}
INCL = {"UK": 20000, "IE": 23000, "AU": 10000, "NZ": 15000}
# UK postcode areas
UK_PC = words("B E G L M N S W BS CF CB EH LS NG OX PL RG SO YO KT TN HP GU DE LE NE SK")


def town(rng: random.Random) -> str:
    return rng.choice(T1) + rng.choice(T2)


def digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def street(rng: random.Random, cc: str) -> str:
    """A street line: number, name and a suffix in the country's style."""
    number = str(rng.randint(1, 9999 if cc in ("US", "CA") else 400))
    if cc == "US":
        suffix = rng.choice(words("ST AVE RD BLVD DR LN WAY PKWY HWY Street Avenue Road Drive"))
        return f"{number} {rng.choice(['', '', '', 'N ', 'S ', 'E ', 'W '])}{rng.choice(SN)} " + (
            suffix.title() if rng.random() < 0.6 else suffix
        )
    if cc == "CA":
        return f"{number} {rng.choice(SN)} " + rng.choice(
            words("St Ave Rd Blvd Dr Street Avenue Road Crescent Way")
        )
    if cc in ("AU", "NZ"):
        return f"{number} {rng.choice(SN)} " + rng.choice(
            words("St Rd Pde Hwy Ave Tce Street Road Parade")
        )
    return f"{number} {rng.choice(SN)} " + rng.choice(
        ["Road", "Street", "Lane", "Way", "Avenue", "Row", "Parade"]
    )


def address(rng: random.Random, cc: str) -> list[str]:
    """A list of 1-3 printed address lines in the country's format.

    For Canada the province code comes first, for the sales tax; the caller takes it off.
    """
    lines: list[str] = []
    if cc == "US":
        state, (lo, hi) = rng.choice(list(US_ST.items()))
        zip_code = f"{rng.randint(lo, hi):03d}{rng.randint(0, 99):02d}" + (
            f"-{rng.randint(0, 9999):04d}" if rng.random() < 0.2 else ""
        )
        if rng.random() < 0.15:
            lines.append(
                f"{rng.choice(SN)} "
                f"{rng.choice(['Plaza', 'Crossing', 'Commons', 'Square', 'Village Center'])}"
            )
        first = street(rng, cc)
        if rng.random() < 0.15:
            first += rng.choice(
                [
                    f" Ste {rng.randint(100, 400)}",
                    f" #{rng.randint(1, 40)}",
                    f" Unit {rng.randint(1, 20)}",
                ]
            )
        lines += [
            first,
            rng.choice([f"{town(rng)}, {state} {zip_code}", f"{town(rng)} {state} {zip_code}"]),
        ]
    elif cc == "CA":
        province = rng.choice(list(CA_PROV))
        letters = "ABCEGHJKLMNPRSTVWXYZ"
        postcode = (
            f"{rng.choice(CA_PROV[province][0])}{rng.randint(0, 9)}{rng.choice(letters)} "
            f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"
        )
        lines += [
            street(rng, cc),
            rng.choice(
                [f"{town(rng)}, {province} {postcode}", f"{town(rng)} {province} {postcode}"]
            ),
        ]
        lines.insert(0, province)  # province code kept for tax; stripped by caller
    elif cc == "UK":
        postcode = (
            f"{rng.choice(UK_PC)}{rng.randint(1, 29)} {rng.randint(1, 9)}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
        if rng.random() < 0.3:
            lines.append(f"Unit {rng.randint(1, 30)} {rng.choice(SN)} Retail Park")
        lines += (
            [street(rng, cc), town(rng), postcode]
            if rng.random() < 0.5
            else [street(rng, cc), f"{town(rng)} {postcode}"]
        )
    elif cc == "IE":
        eircode = f"{rng.choice('ACDEFHKNPRTVWXY')}{rng.randint(10, 98)} " + "".join(
            rng.choice("ACDEFHKNPRTVWXY0123456789") for _ in range(4)
        )
        if rng.random() < 0.4:
            lines += [
                street(rng, cc),
                f"Dublin {rng.randint(1, 24)}",
                "D%02d" % rng.randint(1, 24) + eircode[3:],
            ]
        else:
            lines += [
                street(rng, cc),
                f"{rng.choice(['Bally', 'Kil', 'Carrig', 'Clon', 'Rath', 'Dun'])}"
                f"{rng.choice(['more', 'fern', 'cullen', 'ross', 'garry', 'keen', 'lough'])}"
                f", Co. {rng.choice(IE_CO)}",
                eircode,
            ]
    elif cc == "AU":
        state, (lo, hi) = rng.choice(list(AU_ST.items()))
        first = street(rng, cc)
        if rng.random() < 0.35:
            first = f"Shop {rng.randint(1, 40)}, " + first
        lines += [first, f"{town(rng).upper()} {state} {rng.randint(lo, hi)}"]
    elif cc == "NZ":
        lines += [street(rng, cc), f"{town(rng)}, {town(rng)} {rng.randint(1000, 9899)}"]
    else:  # SG
        place = rng.choice(
            ["Tam", "Bedok", "Kem", "Seng", "Jur", "Toa", "Sim", "Bu", "Kang", "Teck", "Hou", "Lor"]
        ) + rng.choice(["pang", "ara", "bun", "lim", "ong", "kit", "hai", "wee", "sari"])
        if rng.random() < 0.5:
            lines += [
                f"Blk {rng.randint(1, 999)} {place} {rng.choice(['Ave', 'Street', 'Road'])} "
                f"{rng.randint(1, 9)}",
                f"#{rng.randint(1, 12):02d}-{rng.randint(1, 300):02d}",
                f"Singapore {rng.randint(100000, 829999)}",
            ]
        else:
            lines += [
                f"{rng.randint(1, 300)} {rng.choice(['Jalan', 'Lorong'])} {place}",
                f"#{rng.randint(1, 5):02d}-{rng.randint(1, 90):02d} {place} Mall",
                f"Singapore {rng.randint(100000, 829999)}",
            ]
    return lines


def phone(rng: random.Random, cc: str) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    if cc in ("US", "CA"):
        return rng.choice([f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"{a}.{b}.{c:04d}"])
    if cc == "UK":
        return rng.choice(
            [
                f"0{rng.randint(1200, 1999)} {digits(rng, 6)}",
                f"020 {digits(rng, 4)} {digits(rng, 4)}",
            ]
        )
    if cc == "IE":
        return rng.choice(
            [
                f"(0{rng.randint(1, 99)}) {digits(rng, 3)} {digits(rng, 4)}",
                f"+353 {rng.randint(1, 99)} {digits(rng, 3)} {digits(rng, 4)}",
            ]
        )
    if cc == "AU":
        return rng.choice(
            [
                f"(0{rng.choice('2378')}) {digits(rng, 4)} {digits(rng, 4)}",
                f"1300 {digits(rng, 3)} {digits(rng, 3)}",
            ]
        )
    if cc == "NZ":
        return rng.choice(
            [
                f"(0{rng.choice('34679')}) {digits(rng, 3)} {digits(rng, 4)}",
                f"0{rng.choice('3479')}-{digits(rng, 3)} {digits(rng, 4)}",
            ]
        )
    return rng.choice(
        [f"6{digits(rng, 3)} {digits(rng, 4)}", f"+65 6{digits(rng, 3)} {digits(rng, 4)}"]
    )


def tax_id(rng: random.Random, cc: str) -> str:
    """The shop's tax registration line.

    Every country's number is drawn (the whole dict is built) and one is picked: the draws for
    the other countries are part of the random sequence, so a seed keeps giving the same receipt.
    """
    return {
        "US": f"Tax ID {digits(rng, 2)}-{digits(rng, 7)}",
        "CA": f"GST/HST # {digits(rng, 9)} RT0001",
        "UK": f"VAT No. GB {digits(rng, 3)} {digits(rng, 4)} {digits(rng, 2)}",
        "IE": f"VAT No. IE{digits(rng, 7)}{rng.choice('ABCDFHKW')}",
        "AU": f"ABN {digits(rng, 2)} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}",
        "NZ": f"GST No: {digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}",
        "SG": rng.choice(
            [
                f"GST Reg No: M{rng.randint(2, 9)}-{digits(rng, 7)}-{rng.randint(0, 9)}",
                f"GST Reg No. 20{digits(rng, 7)}{rng.choice('KMNZ')}",
            ]
        ),
    }[cc]


def shop_name(rng: random.Random, kind: str, cc: str) -> str:
    """A trading name for a shop of this kind (TYPES), from one of seven patterns."""
    types = TYPES[kind].split("|")
    if kind == "pharmacy" and cc in ("UK", "IE", "AU", "NZ"):
        types += ["Chemist", "Chemists", "Pharmacy"]
    shop_type = rng.choice(types)
    pattern = rng.randrange(7)
    if pattern == 0:
        return f"{rng.choice(SUR)}'s {shop_type}"
    if pattern == 1:
        return f"{town(rng)} {shop_type}"
    if pattern == 2:
        return f"{rng.choice(ADJ)} {rng.choice(NOUN)} {shop_type}"
    if pattern == 3 and kind in ("restaurant", "coffee"):
        return f"The {rng.choice(ADJ)} {rng.choice(NOUN)}"
    if pattern == 4 and kind in ("restaurant", "coffee", "bakery"):
        return f"{rng.choice(NOUN)} & {rng.choice(NOUN)}"
    if pattern == 5:
        return f"{rng.choice('ABCDJKLMRT')}&{rng.choice('ABCDJKLMRT')} {shop_type}"
    return f"{rng.choice(BRAND)} {shop_type}"


def legal_name(rng: random.Random, cc: str) -> str:
    """A legal entity's name with the country's company suffix (Inc., Ltd, Pty Ltd, ...)."""
    suffixes = {
        "US": ["Inc.", "LLC", "Corp.", "Inc"],
        "CA": ["Inc.", "Ltd.", "Corp."],
        "UK": ["Ltd", "Limited"],
        "IE": ["Ltd", "Limited"],
        "AU": ["Pty Ltd", "Pty. Ltd."],
        "NZ": ["Limited", "Ltd"],
        "SG": ["Pte Ltd", "Pte. Ltd."],
    }[cc]
    business = ["Holdings", "Enterprises", "Group", "Retail", "Foods", "Ventures", "Hospitality"]
    return f"{rng.choice(SUR + BRAND)} {rng.choice(business)} {rng.choice(suffixes)}"


# ------------------------------------------------------------------ context / formatting
class Context:
    """One receipt's draws that every block shares: country, shop, date, time and print style."""

    def __init__(self, rng: random.Random, cc: str, kind: str) -> None:
        self.rng, self.cc, self.kind = rng, cc, kind
        self.date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3652))
        self.clock = dt.time(rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59))
        self.upper = rng.random() < 0.5  # body printed in capitals
        self.symbol = rng.random() < 0.45  # amounts carry a currency sign
        self.negative = rng.choice(["-{}", "-{}", "{}-", "({})"])  # how a negative amount prints
        alt = {"AU": "A$", "NZ": "NZ$", "SG": "S$", "CA": "C$"}.get(cc)
        self.currency = alt if alt and rng.random() < (0.1 if cc == "CA" else 0.35) else CUR[cc]
        addr = address(rng, cc)
        self.province = addr.pop(0) if cc == "CA" else None
        legal_head = rng.random() < 0.07  # the legal entity name is printed as the heading name
        self.shop: dict[str, Any] = {
            "name": legal_name(rng, cc) if legal_head else shop_name(rng, kind, cc),
            "addr": addr,
            "legal_head": legal_head,
            "phone": phone(rng, cc),
            "tag": rng.choice(TAGS),
            "owner": legal_name(rng, cc),
            "store": rng.choice(
                [
                    f"Store #{rng.randint(10, 9999)}",
                    f"STORE {rng.randint(1, 999):04d}",
                    f"Store No. {rng.randint(1, 500)}",
                    f"Branch {rng.randint(1, 80)}",
                ]
            ),
        }
        slug = ""
        for word in self.shop["name"].lower().split():
            alnum = "".join(c for c in word if c.isalnum())
            if not slug or len(slug + alnum) <= 20:
                slug += alnum
        self.shop["web"] = f"www.{slug}." + {
            "UK": "co.uk",
            "IE": "ie",
            "AU": "com.au",
            "NZ": "co.nz",
            "SG": "com.sg",
        }.get(cc, "com")
        self.slug = slug
        self.us_rate = (  # US sales tax, thousandths of a percent
            rng.choice([0, 4000, 6000, 6250, 6500, 7000, 7250, 7500, 8000, 8250, 8875, 9500, 10250])
            if rng.random() < 0.93
            else 0
        )
        self.sg_rate = 7000 if self.date.year < 2023 else (8000 if self.date.year == 2023 else 9000)
        if cc == "US":
            styles = ["mdy2", "mdy2", "mdy4", "mdy4", "mdy4", "mony", "MONY", "dMONy", "iso"]
        elif cc == "CA":
            styles = ["iso", "ymd/", "mony", "MONY", "dMONy"] + (
                ["mdy4", "mdy2", "dmy4"] if self.date.day > 12 else []
            )
        else:
            styles = ["dmy4", "dmy4", "dmy2", "dmy.", "dmony", "dMONy", "iso", "dmy-"]
        self.date_style = rng.choice(styles)
        self.weekday = rng.random() < 0.15  # the purchase date is printed with its weekday
        self.time_format = rng.choice(["%H:%M", "%I:%M %p", "%H:%M:%S", "%I:%M:%S %p", "%I:%M%p"])

    def cased(self, text: str) -> str:
        """The text in capitals when the receipt's body is printed in capitals."""
        return text.upper() if self.upper else text

    def fmt_date(self, day: dt.date | None = None) -> str:
        """A date (the purchase date by default) in the receipt's date style."""
        day = day or self.date
        month = day.strftime("%b")
        out = {
            "mdy2": day.strftime("%m/%d/%y"),
            "mdy4": day.strftime("%m/%d/%Y"),
            "mony": f"{month} {day.day}, {day.year}",
            "MONY": f"{month.upper()} {day.day:02d}, {day.year}",
            "dMONy": f"{day.day:02d}-{month.upper()}-{day.year}",
            "iso": day.isoformat(),
            "ymd/": day.strftime("%Y/%m/%d"),
            "dmy4": day.strftime("%d/%m/%Y"),
            "dmy2": day.strftime("%d/%m/%y"),
            "dmy.": day.strftime("%d.%m.%y"),
            "dmony": f"{day.day} {month} {day.year}",
            "dmy-": day.strftime("%d-%m-%Y"),
        }[self.date_style]
        return (
            (self.cased(day.strftime("%a")) + " " + out)
            if (self.weekday and day == self.date)
            else out
        )

    def fmt_time(self) -> str:
        text = self.clock.strftime(self.time_format)
        return (
            text.lower()
            if self.time_format.endswith("%p") and self.time_format[-3] != " "
            else text
        )

    def money(self, amount: int, sign: bool | None = None) -> str:
        """Cents as printed; ``sign`` turns the currency sign on or off (default: the receipt's)."""
        text = f"{abs(amount) // 100:,}.{abs(amount) % 100:02d}"
        text = (self.currency + text) if (self.symbol if sign is None else sign) else text
        return self.negative.format(text) if amount < 0 else text


def cents(value: float) -> int:
    return round(value * 100)


def pick(rng: random.Random, entries: list[PoolEntry], n: int) -> list[PoolEntry]:
    """n entries drawn with replacement."""
    return [rng.choice(entries) for _ in range(n)]


def shelf_price(rng: random.Random, entry: PoolEntry) -> int:
    """A price in cents within the entry's range, ending in 0, 4, 5 or 9."""
    return cents(rng.uniform(entry[1], entry[2])) // 5 * 5 + rng.choice([0, 4, 9, 9])


def strip_flags(name: str) -> str:
    """A pool name without its '*' (taxable) and '#' (by weight) marks."""
    return name.replace("*", "").replace("#", "")


def single_spaced(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ receipt line model
class Receipt:
    """The receipt as a list of elements to draw, ``cols`` characters wide; see render()."""

    def __init__(self, cols: int) -> None:
        self.elements: list[tuple[Any, ...]] = []
        self.cols = cols

    def text(
        self,
        txt: object,
        align: str = "c",
        size: float = 1.0,
        bold: bool = False,
        inverse: bool = False,
        stretch: float = 1.0,
        font: str | None = None,
    ) -> None:
        """A line of text; align "l", "c" or "r", size relative to the body, inverse = white on
        black, stretch = horizontal scale, font = a font path instead of the receipt's."""
        self.elements.append(("text", str(txt), align, size, bold, inverse, stretch, font))

    def pair(self, left: object, right: object, size: float = 1.0, bold: bool = False) -> None:
        """A line with text on the left and text (usually an amount) on the right."""
        self.elements.append(("cols", [(str(left), 0, "l"), (str(right), 1, "r")], size, bold))

    def row(
        self, parts: list[tuple[str, float, str]], size: float = 1.0, bold: bool = False
    ) -> None:
        """A line of columns: (text, position as a fraction of the width, "l" or "r" aligned)."""
        self.elements.append(("cols", parts, size, bold))

    def rule(self) -> None:
        self.elements.append(("rule",))

    def space(self, height: float = 0.6) -> None:
        self.elements.append(("space", height))

    def barcode(self, rng: random.Random, text: bool = True) -> None:
        # (bar, gap) widths
        self.elements.append(
            ("bar", [(rng.randint(1, 3), rng.randint(1, 3)) for _ in range(rng.randint(40, 60))])
        )
        if text:
            self.text(digits(rng, rng.choice([12, 13, 20, 22])), "c", 0.8)

    def qr(self) -> None:
        self.elements.append(("qr",))

    def logo(self, initials: str, align: str) -> None:
        self.elements.append(("logo", initials, align))

    def para(self, txt: str, align: str = "c") -> None:
        """Text wrapped at word boundaries to the receipt's width."""
        line = ""
        for word in txt.split():
            if line and len(line) + 1 + len(word) > self.cols:
                self.text(line, align)
                line = word
            else:
                line = (line + " " + word).strip()
        if line:
            self.text(line, align)


# ------------------------------------------------------------------ shared blocks
def header(
    receipt: Receipt, rng: random.Random, ctx: Context, styles: list[str] | None = None
) -> tuple[str, str]:
    """Prints the shop header. Returns (company label, address label) exactly as printed."""
    shop, align = ctx.shop, ("c" if rng.random() < 0.75 else "l")
    name = shop["name"].upper() if (ctx.upper or rng.random() < 0.35) else shop["name"]
    style = rng.choice(styles or ["big", "big", "box", "deco", "plain", "welcome", "wide", "logo"])
    tag = shop["tag"] if rng.random() < 0.35 else None
    if style == "logo":
        receipt.logo("".join(w[0] for w in name.split() if w[0].isalpha())[:2].upper(), align)
        style = "big"
    if tag and style == "deco" and rng.random() < 0.5:
        receipt.text(tag, align, 0.9, font=ITAL)
        tag = None
    if style == "welcome" and rng.random() < 0.5:
        receipt.text(ctx.cased("Welcome to"), align)
        receipt.text(name, align, 1.3, True)
    elif style == "welcome":
        name = name.upper()
        receipt.text("WELCOME TO " + name, align, 1.0, True)
    elif style == "box":
        receipt.text(name, align, rng.uniform(1.2, 1.6), True, inverse=True)
    elif style == "deco":
        receipt.text(name, align, rng.uniform(1.6, 2.2), font=rng.choice(DECO))
    elif style == "wide":
        receipt.text(name, align, 1.0, True, stretch=2.0)
    elif style == "plain":
        receipt.text(name, align, 1.0, True)
    else:
        size, name_words = rng.uniform(1.5, 2.2), name.split()
        if len(name) * size * 0.8 > receipt.cols and len(name_words) > 1:  # on two lines
            half = max(1, len(name_words) // 2)
            receipt.text(" ".join(name_words[:half]), align, size, True)
            receipt.text(" ".join(name_words[half:]), align, size, True)
        else:
            receipt.text(name, align, size, True)
    if tag:
        receipt.text(tag, align, 0.9, font=ITAL if rng.random() < 0.5 else None)
    if rng.random() < 0.3:
        receipt.text(shop["store"], align)
        store_done = True
    else:
        store_done = False
    if rng.random() < 0.15 and not shop["legal_head"]:
        receipt.text(
            rng.choice(["Operated by ", "Owned & operated by ", "A division of "]) + shop["owner"],
            align,
            0.85,
        )
    upper_address = ctx.upper or rng.random() < 0.3
    lines = [a.upper() if upper_address else a for a in shop["addr"]]
    if len(lines) > 1 and rng.random() < 0.2 and len(", ".join(lines)) <= receipt.cols:
        lines = [", ".join(lines)]
    phone_line = rng.choice(["", "Tel: ", "Tel ", "PH ", "Phone: ", "T: "]) + shop["phone"]
    phone_first = rng.random() < 0.2
    if phone_first:
        receipt.text(phone_line, align)
    for line in lines:
        receipt.text(line, align)
    if not phone_first and rng.random() < 0.85:
        receipt.text(phone_line, align)
    if rng.random() < 0.3:
        receipt.text(shop["web"], align)
    if rng.random() < 0.12:
        receipt.text(f"info@{ctx.slug}.com", align)
    if not store_done and rng.random() < 0.25:
        receipt.text(shop["store"], align)
    if (ctx.cc != "US" and rng.random() < 0.75) or (ctx.cc == "US" and rng.random() < 0.05):
        receipt.text(tax_id(rng, ctx.cc), align)
    receipt.space()
    return single_spaced(name), single_spaced(" ".join(lines))


def date_time_line(
    receipt: Receipt, rng: random.Random, ctx: Context, extra: str | None = None
) -> None:
    """The date and time in one of five arrangements (six with ``extra`` on the right)."""
    day_text, time_text = ctx.fmt_date(), ctx.fmt_time()
    arrangement = rng.randrange(6 if extra else 5)
    if arrangement == 0:
        receipt.pair(ctx.cased("Date: ") + day_text, ctx.cased("Time: ") + time_text)
    elif arrangement == 1:
        receipt.text(f"{day_text} {time_text}", rng.choice("lc"))
    elif arrangement == 2:
        receipt.pair(day_text, time_text)
    elif arrangement == 3:
        receipt.text(ctx.cased("Date: ") + day_text, "l")
        receipt.text(ctx.cased("Time: ") + time_text, "l")
    elif arrangement == 4:
        receipt.pair(f"{day_text} {time_text}", f"#{rng.randint(1000, 99999)}")
    else:
        receipt.pair(f"{day_text} {time_text}", extra)


def tax_lines(ctx: Context, taxable: int, rng: random.Random) -> list[tuple[str, int]]:
    """Taxes added on top of the subtotal (US / Canada / SG restaurants)."""
    if taxable <= 0:
        return []
    if ctx.cc == "US":
        if not ctx.us_rate:
            return []
        rate = ctx.us_rate
        tax = (taxable * rate + 50000) // 100000
        if rng.random() < 0.2 and rate > 5000:
            state_tax = (taxable * 4000 + 50000) // 100000
            return [(ctx.cased("State Tax"), state_tax), (ctx.cased("Local Tax"), tax - state_tax)]
        return [
            (
                ctx.cased(
                    rng.choice(
                        ["Tax", "Sales Tax", f"Tax {rate / 1000:.3f}%", f"Tax {rate / 1000:g}%"]
                    )
                ),
                tax,
            )
        ]
    if ctx.cc == "CA":
        return [
            (
                f"{name} {rate / 1000:g}%" if rng.random() < 0.6 else name,
                (taxable * rate + 50000) // 100000,
            )
            for name, rate in CA_PROV[ctx.province][1]
        ]
    return []


def included_tax(
    receipt: Receipt, rng: random.Random, ctx: Context, items: list[Item], total: int
) -> None:
    """Printed statement of tax already included in the prices (UK/IE VAT table, AU/NZ/SG GST)."""
    cc = ctx.cc
    if cc in ("UK", "IE"):
        rate = INCL[cc]
        gross_a = sum(i[1] for i in items if i[2])  # standard-rated ("A")
        gross_z = total - gross_a  # zero-rated ("Z")
        vat = (gross_a * rate + (100000 + rate) // 2) // (100000 + rate)
        if rng.random() < 0.6:
            receipt.row(
                [
                    ("VAT", 0, "l"),
                    ("Rate", 0.3, "r"),
                    ("Net", 0.55, "r"),
                    ("VAT", 0.77, "r"),
                    ("Gross", 1, "r"),
                ]
            )
            receipt.row(
                [
                    ("A", 0, "l"),
                    (f"{rate / 1000:g}%", 0.3, "r"),
                    (ctx.money(gross_a - vat, False), 0.55, "r"),
                    (ctx.money(vat, False), 0.77, "r"),
                    (ctx.money(gross_a, False), 1, "r"),
                ]
            )
            if gross_z:
                receipt.row(
                    [
                        ("Z", 0, "l"),
                        ("0%", 0.3, "r"),
                        (ctx.money(gross_z, False), 0.55, "r"),
                        ("0.00", 0.77, "r"),
                        (ctx.money(gross_z, False), 1, "r"),
                    ]
                )
        else:
            receipt.pair(ctx.cased(f"VAT {rate / 1000:g}% included"), ctx.money(vat))
    elif cc in ("AU", "NZ", "SG"):
        rate = ctx.sg_rate if cc == "SG" else INCL[cc]
        base = sum(i[1] for i in items if i[2]) if cc == "AU" else total
        gst = (base * rate + (100000 + rate) // 2) // (100000 + rate)
        label = rng.choice(
            ["Total includes GST", "GST included in total", f"Incl. GST {rate / 1000:g}%", "GST"]
        )
        receipt.pair(ctx.cased(label), ctx.money(gst, True if rng.random() < 0.5 else None))


TOT_US = [
    "TOTAL",
    "Total",
    "TOTAL DUE",
    "Total Due",
    "AMOUNT DUE",
    "Amount Due",
    "BALANCE DUE",
    "Grand Total",
    "TOTAL USD",
    "TOTAL SALE",
]
TOT_INT = [
    "TOTAL",
    "Total",
    "Total Due",
    "Amount Due",
    "BALANCE DUE",
    "Grand Total",
    "TOTAL {c}",
    "Total to Pay",
]


def total_block(
    receipt: Receipt, rng: random.Random, ctx: Context, items: list[Item], sub_label: bool = True
) -> int:
    """items: (desc, cents, taxable). Prints subtotal/tax/total; returns total in cents."""
    sub = sum(i[1] for i in items)
    taxable = sum(i[1] for i in items if i[2])
    taxes = tax_lines(ctx, taxable, rng) if ctx.cc in ("US", "CA") else []
    if sub_label and (taxes or rng.random() < 0.5):
        receipt.pair(
            ctx.cased(rng.choice(["Subtotal", "Sub Total", "SUBTOTAL", "Sub-total"])),
            ctx.money(sub),
        )
    for name, tax in taxes:
        receipt.pair(name, ctx.money(tax))
    total = sub + sum(tax for _, tax in taxes)
    label = rng.choice(TOT_US if ctx.cc == "US" else TOT_INT).format(c=CUR2[ctx.cc])
    size, bold = rng.choice([(1.0, True), (1.0, False), (1.3, True), (1.6, True)])
    receipt.pair(label, ctx.money(total, True if rng.random() < 0.4 else None), size, bold)
    if (ctx.cc in INCL or ctx.cc == "SG") and rng.random() < 0.75:
        included_tax(receipt, rng, ctx, items, total)
    return total


def tender(
    receipt: Receipt, rng: random.Random, ctx: Context, total: int, slip_ok: bool = True
) -> None:
    """How it was paid: cash and change, gift card and card, or a card; maybe a card-slip block."""
    k = rng.random()
    cards = CARDS[ctx.cc]
    if k < 0.33:
        paid = rng.choice(
            [
                total,
                -(-total // 500) * 500,
                -(-total // 1000) * 1000,
                -(-total // 2000) * 2000,
                -(-total // 5000) * 5000,
            ]
        )
        if paid == total and rng.random() < 0.7:
            paid = -(-total // 2000) * 2000 + rng.choice([0, 2000])
        receipt.pair(
            ctx.cased(rng.choice(["Cash", "Cash Tendered", "Tendered Cash", "CASH"])),
            ctx.money(paid),
        )
        receipt.pair(
            ctx.cased(rng.choice(["Change", "Change Due", "CHANGE"])), ctx.money(paid - total)
        )
        return
    if k < 0.42 and total > 1500:
        gift = rng.randint(5, total // 100 - 2) * 100
        receipt.pair(ctx.cased("Gift Card"), ctx.money(gift))
        receipt.text(
            f"  {ctx.cased('Remaining balance')} {ctx.money(rng.randint(0, 5000))}", "l", 0.85
        )
        receipt.pair(rng.choice(cards), ctx.money(total - gift))
    else:
        card = rng.choice(cards)
        receipt.pair(
            card if rng.random() < 0.5 else f"{card} ****{digits(rng, 4)}", ctx.money(total)
        )
    if rng.random() < 0.3:
        receipt.pair(ctx.cased(rng.choice(["Change", "Balance"])), ctx.money(0))
    if slip_ok and rng.random() < 0.45:  # card-slip block that repeats the amount
        receipt.rule()
        receipt.text(ctx.cased(rng.choice(["Card Details", "Payment", "Customer Copy"])), "c")
        receipt.pair(ctx.cased("Card No:"), f"************{digits(rng, 4)}")
        receipt.pair(ctx.cased("Auth Code:"), f"{digits(rng, 6)}")
        if rng.random() < 0.5:
            receipt.pair(ctx.cased("Date:"), f"{ctx.fmt_date()} {ctx.fmt_time()}")
        receipt.pair(
            ctx.cased(rng.choice(["Amount:", "Sale Amount", "Purchase"])), ctx.money(total, True)
        )
        receipt.text(rng.choice(["APPROVED", "Approved", "00 APPROVED", "VERIFIED BY PIN"]), "c")


def footer(receipt: Receipt, rng: random.Random, ctx: Context, ret_days: int | None = None) -> None:
    """Return policy, survey, thanks, transaction numbers, barcode, date and time."""
    receipt.space()
    if ret_days and rng.random() < 0.85:
        return_by = ctx.date + dt.timedelta(days=ret_days)
        receipt.para(
            f"Returns and exchanges accepted within {ret_days} days of purchase with original "
            "receipt. Refunds issued to the original form of payment. Some exclusions apply."
        )
        if rng.random() < 0.6:
            receipt.text(ctx.cased("Return by: ") + ctx.fmt_date(return_by), "c", 1.0, True)
    if rng.random() < 0.4:
        receipt.para(
            rng.choice(
                [
                    f"Tell us about your visit at www.{ctx.slug}-survey.com and enter for a chance "
                    f"to win {ctx.currency}500!",
                    f"Complete our survey at {ctx.slug}listens.com within 7 days to receive a free "
                    "gift on your next visit.",
                ]
            )
        )
        receipt.text(
            ctx.cased("Survey code: ") + "-".join(digits(rng, 4) for _ in range(rng.randint(3, 5))),
            "c",
            0.9,
        )
        if rng.random() < 0.5:
            receipt.text(
                ctx.cased("Offer expires ")
                + ctx.fmt_date(ctx.date + dt.timedelta(days=rng.choice([7, 14, 30]))),
                "c",
                0.9,
            )
        if rng.random() < 0.3:
            receipt.qr()
    visit = "DINING" if ctx.kind in ("restaurant", "coffee", "fastfood", "bakery") else "SHOPPING"
    receipt.text(
        rng.choice(
            [
                "Thank you!",
                f"THANK YOU FOR {visit} WITH US",
                "Thank you, come again",
                "Have a nice day!",
                "Thanks for your visit",
                "PLEASE COME AGAIN",
                "See you soon!",
            ]
        ),
        "c",
    )
    if rng.random() < 0.5:
        receipt.pair(
            f"{ctx.cased('Trans')} {rng.randint(1000, 99999)}",
            f"{ctx.cased('Term')} {rng.randint(1, 30):03d}  "
            f"{ctx.cased('Op')} {rng.randint(1, 999)}",
        )
    if rng.random() < 0.45:
        receipt.barcode(rng)
    if rng.random() < 0.35:
        receipt.pair(ctx.fmt_date(), ctx.fmt_time())
    receipt.space(rng.uniform(1, 4))


def item_rows(
    receipt: Receipt,
    rng: random.Random,
    ctx: Context,
    entries: list[PoolEntry],
    n: int,
    flag_style: FlagStyle = None,
    code: bool = False,
) -> list[Item]:
    """Prints simple priced items (with qty/weight variants); returns [(desc, cents, taxable)].

    flag_style gives the tax flag printed after the amount; code puts an item code before the name.
    """
    out = []
    for entry in pick(rng, entries, n):
        desc = ctx.cased(strip_flags(entry[0]))
        taxable = "*" in entry[0] if any("*" in x[0] for x in entries) and ctx.cc != "NZ" else True
        qty = 1 if rng.random() < 0.8 else rng.randint(2, 4)
        unit_price = shelf_price(rng, entry)
        if "#" in entry[0] and rng.random() < 0.7:  # sold by weight
            metric = ctx.cc != "US"
            weight = rng.randint(150, 2500 if metric else 4000) / 1000
            unit_price = cents(rng.uniform(entry[1], entry[2]) * (2.2 if metric else 1))
            amount = round(weight * unit_price)
            unit = "kg" if metric else "lb"
            receipt.pair(desc, "")
            receipt.pair(
                f"  {weight:.3f} {unit} @ {ctx.money(unit_price, False)}/{unit}",
                ctx.money(amount) + (flag_style(taxable) if flag_style else ""),
            )
            out.append((desc, amount, taxable))
            continue
        amount = unit_price * qty
        if code:
            desc = f"{digits(rng, rng.choice([5, 6, 12]))} {desc}"
        flag = flag_style(taxable) if flag_style else ""
        if qty > 1 and rng.random() < 0.5 and not code:
            receipt.pair(f"{qty} {desc}", ctx.money(amount) + flag)
        elif qty > 1:
            receipt.pair(desc, "")
            receipt.pair(f"  {qty} @ {ctx.money(unit_price, False)}", ctx.money(amount) + flag)
        else:
            receipt.pair(desc, ctx.money(amount) + flag)
        out.append((desc, amount, taxable))
    return out


# ------------------------------------------------------------------ layout families
# Each prints a whole receipt and returns (company, address, total in cents) for the label.
def layout_grocery(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx)
    top = rng.random() < 0.5
    if top:
        date_time_line(receipt, rng, ctx)
    receipt.pair(
        f"{ctx.cased('Cashier')}: {rng.choice(FIRST)}", f"{ctx.cased('Lane')} {rng.randint(1, 14)}"
    )
    receipt.rule()
    flag_style = rng.choice(
        [
            lambda taxable: " T" if taxable else " F",
            lambda taxable: " T" if taxable else "",
            lambda taxable: " A" if taxable else " Z",
            None,
        ]
    )
    entries = UKG if ctx.cc in ("UK", "IE") else GROC
    items: list[Item] = []
    saved = 0
    for _ in range(rng.randint(2, 6)):
        items += item_rows(
            receipt, rng, ctx, entries, rng.randint(2, 5), flag_style, code=rng.random() < 0.3
        )
        if rng.random() < 0.5:
            saving = -rng.randint(2, 20) * 10 if items[-1][1] > 300 else -10
            saved -= saving
            receipt.pair(
                "  "
                + ctx.cased(
                    rng.choice(
                        ["Member Savings", "Loyalty Price", "Multibuy Saving", "Card Savings"]
                    )
                ),
                ctx.money(saving),
            )
            items.append(("disc", saving, items[-1][2]))
    if rng.random() < 0.3:
        saving = -rng.choice([50, 75, 100, 150, 200])
        saved -= saving
        receipt.pair(
            ctx.cased("Coupon ") + ctx.cased(strip_flags(rng.choice(entries)[0])), ctx.money(saving)
        )
        items.append(("cpn", saving, False))
    receipt.rule()
    total = total_block(receipt, rng, ctx, items)
    if rng.random() < 0.6:
        receipt.text(
            f"{ctx.cased(rng.choice(['Items Sold', 'Item Count', '# Items']))} "
            f"{sum(1 for i in items if i[1] > 0)}",
            "l",
        )
    tender(receipt, rng, ctx, total)
    if saved and rng.random() < 0.8:
        receipt.text(
            f"{ctx.cased(rng.choice(['You saved', 'Total savings', 'Your savings today']))} "
            f"{ctx.money(saved, True)}",
            "c",
            1.1,
            True,
        )
    if rng.random() < 0.5:
        receipt.pair(ctx.cased("Member #"), f"****{digits(rng, 4)}")
        receipt.pair(ctx.cased("Points earned"), str(total // 100))
        receipt.pair(ctx.cased("Points balance"), f"{rng.randint(100, 9999):,}")
    if not top:
        date_time_line(receipt, rng, ctx, f"{ctx.cased('Reg')} {rng.randint(1, 9)}")
    footer(receipt, rng, ctx, ret_days=rng.choice([None, 30, 90]))
    return company, addr, total


def layout_restaurant(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx)
    receipt.pair(
        f"{ctx.cased('Server')}: {rng.choice(FIRST)}", f"{ctx.cased('Table')} {rng.randint(1, 60)}"
    )
    receipt.pair(
        f"{ctx.cased('Guests')}: {rng.randint(1, 6)}",
        f"{ctx.cased('Check')} #{rng.randint(100, 9999)}",
    )
    date_time_line(receipt, rng, ctx)
    receipt.rule()
    items = item_rows(
        receipt,
        rng,
        ctx,
        SGFOOD if ctx.cc == "SG" and rng.random() < 0.7 else RESTO,
        rng.randint(2, 9),
    )
    receipt.rule()
    sub = sum(i[1] for i in items)
    if ctx.cc == "SG":  # service charge + GST added on top
        service = (sub * 10 + 50) // 100
        gst = ((sub + service) * ctx.sg_rate + 50000) // 100000
        receipt.pair(ctx.cased("Subtotal"), ctx.money(sub))
        receipt.pair(ctx.cased("Service Charge 10%"), ctx.money(service))
        receipt.pair(f"GST {ctx.sg_rate // 1000}%", ctx.money(gst))
        total = sub + service + gst
        receipt.pair(ctx.cased("Total"), ctx.money(total, True), 1.2, True)
    elif ctx.cc in ("UK", "IE") and rng.random() < 0.5:  # service charge instead of a tip
        service = (sub * 125 + 500) // 1000
        receipt.pair(ctx.cased("Subtotal"), ctx.money(sub))
        receipt.pair(ctx.cased("Optional Service 12.5%"), ctx.money(service))
        total = sub + service
        receipt.pair(ctx.cased("Total"), ctx.money(total, True), 1.2, True)
        included_tax(receipt, rng, ctx, items + [("sv", service, True)], total)
    else:
        total = total_block(receipt, rng, ctx, items)
    ending = rng.random() if ctx.cc in ("US", "CA", "AU", "NZ") or rng.random() < 0.3 else 0.9
    if ending < 0.3 and ctx.cc in ("US", "CA"):  # suggested gratuity (not paid)
        receipt.space()
        receipt.text(ctx.cased("Suggested Gratuity"), "c")
        for percent in (15, 18, 20):
            receipt.pair(
                f"{percent}%",
                f"{ctx.money(total * percent // 100)}  "
                f"({ctx.cased('Total')} {ctx.money(total + total * percent // 100)})",
            )
    elif ending < 0.55:  # signature copy, tip blank -> amount paid is the printed total
        receipt.space()
        receipt.pair(ctx.cased("Tip:"), "__________")
        receipt.space(0.3)
        receipt.pair(ctx.cased("Total:"), "__________")
        receipt.space()
        receipt.text("X______________________", "l")
    elif ending < 0.8:  # card settled with tip: second, larger total is what was paid
        tip = cents(total / 100 * rng.choice([0.1, 0.15, 0.18, 0.2, 0.22]))
        receipt.rule()
        receipt.pair(rng.choice(CARDS[ctx.cc]) + f" ****{digits(rng, 4)}", "")
        receipt.pair(ctx.cased("Amount"), ctx.money(total))
        receipt.pair(ctx.cased(rng.choice(["Tip", "Gratuity"])), ctx.money(tip))
        total += tip
        receipt.pair(
            ctx.cased(rng.choice(["Total", "Grand Total"])), ctx.money(total, True), 1.1, True
        )
    else:
        tender(receipt, rng, ctx, total, slip_ok=False)
    footer(receipt, rng, ctx)
    return company, addr, total


def layout_coffee(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx, ["deco", "deco", "big", "logo", "plain"])
    receipt.text(
        f"{ctx.cased('Order')} #{rng.choice('ABCK')}{rng.randint(1, 999)} "
        f"{ctx.cased('for')} {ctx.cased(rng.choice(FIRST))}",
        "l",
        1.1,
        True,
    )
    date_time_line(receipt, rng, ctx)
    receipt.rule()
    items: list[Item] = []
    for entry in pick(rng, COFFEE, rng.randint(1, 4)):
        amount = shelf_price(rng, entry)
        receipt.pair(ctx.cased(entry[0]), ctx.money(amount))
        items.append((entry[0], amount, True))
        if rng.random() < 0.4:
            modifier = rng.choice(MODS)
            extra = shelf_price(rng, modifier)
            receipt.pair("  + " + ctx.cased(modifier[0]), ctx.money(extra))
            items.append((modifier[0], extra, True))
    receipt.rule()
    # a tip chosen on the screen, included in the printed total
    if rng.random() < 0.45 and ctx.cc in ("US", "CA"):
        sub = sum(i[1] for i in items)
        taxes = tax_lines(ctx, sub, rng)
        tip = rng.choice([100, 150, 200, cents(sub / 500)])
        receipt.pair(ctx.cased("Subtotal"), ctx.money(sub))
        for name, tax in taxes:
            receipt.pair(name, ctx.money(tax))
        receipt.pair(ctx.cased("Tip"), ctx.money(tip))
        total = sub + sum(tax for _, tax in taxes) + tip
        receipt.pair(ctx.cased("Total"), ctx.money(total, True), 1.2, True)
        tender(receipt, rng, ctx, total, slip_ok=False)
    else:
        total = total_block(receipt, rng, ctx, items)
        tender(receipt, rng, ctx, total)
    if rng.random() < 0.5:
        receipt.para(f"Join {ctx.shop['name']} Rewards and earn a free drink every 10 visits!")
    footer(receipt, rng, ctx)
    return company, addr, total


def layout_fuel(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx)
    date_time_line(receipt, rng, ctx)
    receipt.rule()
    us = ctx.cc == "US"
    grade = rng.choice(
        {
            "US": ["UNLEADED 87", "REGULAR", "PLUS 89", "PREMIUM 93", "DIESEL"],
            "AU": ["ULP 91", "PREMIUM 95", "PREMIUM 98", "E10", "DIESEL"],
            "NZ": ["91", "95", "DIESEL"],
        }.get(ctx.cc, ["UNLEADED", "DIESEL", "SUPER UNLEADED", "REGULAR"])
    )
    price_range = {
        "US": (2.2, 4.9),
        "CA": (1.05, 2.1),
        "UK": (1.15, 1.9),
        "IE": (1.35, 2.0),
        "AU": (1.25, 2.2),
        "NZ": (1.8, 2.9),
    }.get(ctx.cc, (2, 3))
    unit_price = (
        round(rng.uniform(*price_range), 2) + 0.009
        if rng.random() < 0.6
        else round(rng.uniform(*price_range), 3)
    )
    volume = rng.randint(3000, 22000 if us else 70000) / 1000
    fuel_cents = round(volume * unit_price * 100)
    receipt.pair(
        ctx.cased("Pump") + rng.choice([" #", " ", ": "]) + f"{rng.randint(1, 16):02d}",
        ctx.cased(grade),
    )
    unit = "Gallons" if us else "Litres"
    receipt.pair(ctx.cased(unit), f"{volume:.3f}")
    if ctx.cc == "AU" and rng.random() < 0.5:
        receipt.pair(ctx.cased("Price"), f"{unit_price * 100:.1f} c/L")
    else:
        receipt.pair(
            ctx.cased("Price/" + ("Gal" if us else "L")), f"{ctx.currency}{unit_price:.3f}"
        )
    receipt.pair(
        ctx.cased("Fuel Total" if rng.random() < 0.5 else "Fuel Sale"), ctx.money(fuel_cents)
    )
    # US/CA pump prices already include fuel taxes
    items = [(grade, fuel_cents, ctx.cc not in ("US", "CA"))]
    if rng.random() < 0.4:
        receipt.rule()
        shop_items = pool(
            "Coffee 20oz*:1.5-2.5;Water 1L*:1-2;Candy Bar*:1-2;Potato Chips*:1.5-4;"
            "Energy Drink*:2.5-4;Car Wash*:8-15"
        )
        items += item_rows(receipt, rng, ctx, shop_items, rng.randint(1, 3))
    receipt.rule()
    total = total_block(receipt, rng, ctx, items, sub_label=len(items) > 1)
    tender(receipt, rng, ctx, total)
    footer(receipt, rng, ctx)
    return company, addr, total


def layout_pharmacy(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx)
    date_time_line(receipt, rng, ctx)
    receipt.rule()
    items: list[Item] = []
    if ctx.cc == "US" and rng.random() < 0.6:  # prescription copays, not taxed
        for _ in range(rng.randint(1, 3)):
            copay = rng.choice([0, 500, 1000, 1500, 2500, rng.randint(100, 6000)])
            receipt.pair(f"RX #{digits(rng, 7)}", ctx.money(copay) + " N")
            receipt.text(ctx.cased("  Copay - prescription"), "l", 0.85)
            items.append(("rx", copay, False))
    items += item_rows(
        receipt,
        rng,
        ctx,
        PHARM,
        rng.randint(1, 7),
        (lambda taxable: " T") if ctx.cc == "US" else None,
    )
    saved = 0
    if rng.random() < 0.5:
        saved = rng.randint(50, 400)
        receipt.pair(ctx.cased("Rewards Coupon"), ctx.money(-saved))
        items.append(("cp", -saved, True))
    receipt.rule()
    total = total_block(receipt, rng, ctx, items)
    tender(receipt, rng, ctx, total)
    if saved:
        receipt.text(f"{ctx.cased('You saved')} {ctx.money(saved, True)}", "c", 1.1, True)
    if rng.random() < 0.6:
        receipt.pair(ctx.cased("Rewards Member"), f"****{digits(rng, 4)}")
        receipt.pair(ctx.cased("Rewards balance"), ctx.money(rng.randint(0, 2000), True))
    footer(receipt, rng, ctx, ret_days=rng.choice([None, 30, 60]))
    return company, addr, total


def layout_hardware(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx)
    receipt.pair(
        ctx.cased(rng.choice(["Sale", "Invoice", "Receipt"])) + f" #{digits(rng, 6)}",
        f"{ctx.cased('Reg')} {rng.randint(1, 9)}",
    )
    date_time_line(receipt, rng, ctx)
    if rng.random() < 0.3:
        receipt.text(
            ctx.cased("Job name: ")
            + ctx.cased(rng.choice(SUR))
            + " "
            + ctx.cased(rng.choice(["Deck", "Kitchen", "Fence", "Reno"])),
            "l",
        )
    receipt.rule()
    items: list[Item] = []
    for entry in pick(rng, HARDW, rng.randint(2, 10)):
        qty = 1 if rng.random() < 0.6 else rng.randint(2, 12)
        unit_price = shelf_price(rng, entry)
        receipt.text(f"{digits(rng, 6)} {ctx.cased(entry[0])}", "l")
        receipt.pair(f"   {qty} @ {ctx.money(unit_price, False)}", ctx.money(qty * unit_price))
        items.append((entry[0], qty * unit_price, True))
    receipt.rule()
    total = total_block(receipt, rng, ctx, items)
    tender(receipt, rng, ctx, total)
    if rng.random() < 0.4:
        receipt.pair(ctx.cased("Pro Rewards #"), digits(rng, 10))
    footer(receipt, rng, ctx, ret_days=rng.choice([30, 90, 90]))
    return company, addr, total


def layout_fastfood(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx, ["big", "box", "plain", "wide"])
    order_no = rng.randint(1, 999)
    receipt.text(
        ctx.cased("Order") + f" {order_no}" if rng.random() < 0.5 else f"#{order_no}",
        "c",
        rng.uniform(2.0, 3.0),
        True,
        inverse=rng.random() < 0.3,
    )
    receipt.text(
        rng.choice(["EAT IN", "TAKE OUT", "DRIVE THRU", "DINE IN", "TAKEAWAY"]), "c", 1.3, True
    )
    date_time_line(receipt, rng, ctx, f"{ctx.cased('KS')} {rng.randint(1, 6)}")
    receipt.rule()
    items: list[Item] = []
    for entry in pick(rng, FAST, rng.randint(1, 6)):
        qty = 1 if rng.random() < 0.75 else 2
        amount = shelf_price(rng, entry) * qty
        receipt.pair(f"{qty} {ctx.cased(entry[0])}", ctx.money(amount))
        items.append((entry[0], amount, True))
        if "Combo" in entry[0] or "Meal" in entry[0]:
            for side in rng.sample(
                ["Med Fries", "Med Cola", "Lg Lemonade", "No Pickles", "Sm Fries", "Iced Tea"], 2
            ):
                receipt.text("    " + ctx.cased(side), "l", 0.9)
    receipt.rule()
    total = total_block(receipt, rng, ctx, items)
    tender(receipt, rng, ctx, total, slip_ok=False)
    receipt.text(f"{ctx.cased('Your order number is')} {order_no}", "c")
    footer(receipt, rng, ctx)
    return company, addr, total


def layout_department(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    company, addr = header(receipt, rng, ctx, ["big", "deco", "box", "plain", "logo"])
    date_time_line(receipt, rng, ctx, f"{ctx.cased('Assoc')} {rng.randint(100, 99999)}")
    receipt.pair(
        f"{ctx.cased('Store')} {rng.randint(1, 999)}  {ctx.cased('Reg')} {rng.randint(1, 30)}",
        f"{ctx.cased('Trans')} {rng.randint(1000, 9999)}",
    )
    receipt.rule()
    items: list[Item] = []
    saved = 0
    for entry in pick(rng, DEPT, rng.randint(1, 6)):
        amount = shelf_price(rng, entry)
        receipt.pair(f"{digits(rng, 9)}", "")
        receipt.pair("  " + ctx.cased(entry[0]), ctx.money(amount))
        items.append((entry[0], amount, True))
        if rng.random() < 0.4:
            percent = rng.choice([15, 20, 25, 30, 40, 50])
            discount = -(amount * percent // 100)
            saved -= discount
            receipt.pair(
                f"    {ctx.cased('Sale')} {percent}% {ctx.cased('off')}", ctx.money(discount)
            )
            items.append(("d", discount, True))
    receipt.rule()
    total = total_block(receipt, rng, ctx, items)
    tender(receipt, rng, ctx, total)
    if saved:
        receipt.text(f"{ctx.cased('Today you saved')} {ctx.money(saved, True)}", "c", 1.0, True)
    footer(receipt, rng, ctx, ret_days=rng.choice([30, 30, 60, 90]))
    return company, addr, total


def layout_cardslip(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    """A card terminal's slip on its own: surcharge, tip or blank tip lines, approval."""
    company, addr = header(receipt, rng, ctx, ["plain", "plain", "big", "wide"])
    receipt.pair(ctx.cased("Merchant ID:"), digits(rng, 12))
    receipt.pair(ctx.cased("Terminal ID:"), digits(rng, 8))
    date_time_line(receipt, rng, ctx)
    receipt.space()
    receipt.text(
        rng.choice(["SALE", "CREDIT SALE", "PURCHASE", "SALE - CONTACTLESS"]), "c", 1.4, True
    )
    card = rng.choice(CARDS[ctx.cc])
    receipt.pair(card, f"{'*' * 12}{digits(rng, 4)}")
    receipt.pair(ctx.cased("Entry Method:"), rng.choice(["CHIP", "CONTACTLESS", "SWIPED", "TAP"]))
    receipt.pair("AID:", "A0000000" + digits(rng, 6))
    amount = rng.randint(300, 25000)
    variant = rng.random()
    sym = rng.random() < 0.7
    code = CUR2[ctx.cc]
    if ctx.cc in ("AU", "NZ") and variant < 0.3:  # card surcharge added on top
        surcharge = (amount * 15 + 500) // 1000
        receipt.pair(f"{ctx.cased('Purchase')} {code}", ctx.money(amount, sym))
        receipt.pair(ctx.cased("Surcharge 1.5%"), ctx.money(surcharge, sym))
        total = amount + surcharge
        receipt.pair(f"{ctx.cased('Total')} {code}", ctx.money(total, sym), 1.2, True)
    elif variant < 0.3:  # base + tip printed
        tip = rng.randint(0, amount // 4)
        receipt.pair(ctx.cased("Base"), ctx.money(amount, sym))
        receipt.pair(ctx.cased("Tip"), ctx.money(tip, sym))
        total = amount + tip
        receipt.pair(ctx.cased("Total"), ctx.money(total, sym), 1.2, True)
    elif variant < 0.5:  # tip/total lines left blank
        total = amount
        receipt.pair(ctx.cased("Amount"), ctx.money(amount, sym), 1.2, True)
        receipt.space(0.3)
        receipt.pair(ctx.cased("Tip"), "________")
        receipt.space(0.3)
        receipt.pair(ctx.cased("Total"), "________")
    else:
        total = amount
        receipt.pair(
            ctx.cased(rng.choice(["Amount", "Total", "Amount:", "Sale Amount"])),
            ctx.money(amount, sym),
            1.2,
            True,
        )
    receipt.space()
    receipt.text(rng.choice(["APPROVED", "APPROVED - THANK YOU", "00 APPROVED"]), "c", 1.2, True)
    receipt.pair(
        ctx.cased("Auth Code:"), rng.choice([digits(rng, 6), f"{rng.choice('0A')}{digits(rng, 5)}"])
    )
    receipt.pair(ctx.cased("Ref #:"), digits(rng, 10))
    if rng.random() < 0.5:
        receipt.space()
        receipt.text("X" + "_" * (receipt.cols - 6), "l")
        receipt.para("I AGREE TO PAY ABOVE TOTAL AMOUNT ACCORDING TO CARD ISSUER AGREEMENT")
    else:
        receipt.text(ctx.cased("No signature required"), "c")
    receipt.text(rng.choice(["CUSTOMER COPY", "*** CUSTOMER COPY ***", "Cardholder Copy"]), "c")
    receipt.space(rng.uniform(1, 4))
    return company, addr, total


def layout_uk_till(receipt: Receipt, rng: random.Random, ctx: Context) -> tuple[str, str, int]:
    """A UK/IE supermarket till roll: A/Z VAT flags, multibuy savings, VAT analysis."""
    company, addr = header(receipt, rng, ctx)
    if rng.random() < 0.5:
        date_time_line(receipt, rng, ctx)
        top = True
    else:
        top = False
    receipt.rule()
    items: list[Item] = []
    for entry in pick(rng, UKG, rng.randint(3, 18)):
        amount = shelf_price(rng, entry)
        zero_rated = (
            "*" not in entry[0] if ctx.cc == "UK" else "*" not in entry[0] and rng.random() < 0.7
        )
        receipt.pair(
            ctx.cased(strip_flags(entry[0])), f"{ctx.money(amount)} {'Z' if zero_rated else 'A'}"
        )
        items.append((entry[0], amount, not zero_rated))
        if rng.random() < 0.12:
            saving = -(amount // 4)
            receipt.pair(
                "  " + ctx.cased("Multibuy saving"),
                ctx.money(saving) + (" Z" if zero_rated else " A"),
            )
            items.append(("mb", saving, not zero_rated))
    receipt.rule()
    balance = sum(i[1] for i in items)
    receipt.pair(f"{len([i for i in items if i[1] > 0])} {ctx.cased('items')}", "")
    receipt.pair(
        rng.choice(["BALANCE DUE", "TOTAL", "Total to pay", "Balance to pay"]),
        ctx.money(balance, True),
        rng.choice([1.0, 1.3]),
        True,
    )
    tender(receipt, rng, ctx, balance)
    receipt.space()
    included_tax(receipt, rng, ctx, items, balance)
    if rng.random() < 0.5:
        receipt.pair(ctx.cased("Reward points this visit"), str(balance // 100))
        receipt.pair(ctx.cased("Points balance"), f"{rng.randint(10, 9000):,}")
    receipt.space()
    if not top:
        receipt.text(
            f"{ctx.fmt_date()} {ctx.fmt_time()}  ST:{rng.randint(1000, 9999)} "
            f"TL:{rng.randint(1, 40):02d} OP:{rng.randint(100, 999)}",
            "c",
            0.9,
        )
    footer(receipt, rng, ctx, ret_days=rng.choice([None, 28]))
    return company, addr, balance


def layout_au_tax_invoice(
    receipt: Receipt, rng: random.Random, ctx: Context
) -> tuple[str, str, int]:
    """An AU/NZ "Tax Invoice" from a small shop, GST included, taxable items starred."""
    kind = ctx.kind
    first = rng.random() < 0.5
    if first:
        receipt.text(ctx.cased("Tax Invoice"), "c", 1.3, True)
    company, addr = header(receipt, rng, ctx)
    if not first:
        receipt.text(rng.choice(["TAX INVOICE", "Tax Invoice"]), "c", 1.3, True)
    date_time_line(receipt, rng, ctx)
    receipt.rule()
    items = item_rows(
        receipt,
        rng,
        ctx,
        AUPOOL.get(kind, HARDW),
        rng.randint(2, 9),
        lambda taxable: " *" if taxable else "  ",
    )
    receipt.rule()
    total = sum(i[1] for i in items)
    receipt.pair(
        ctx.cased(rng.choice(["Total", "TOTAL", "Total AUD", "Amount Due"])).replace(
            "AUD", CUR2[ctx.cc]
        ),
        ctx.money(total, True),
        1.3,
        True,
    )
    included_tax(receipt, rng, ctx, items, total)
    receipt.text(rng.choice(["* denotes taxable item", "* Items include GST"]), "l", 0.85)
    tender(receipt, rng, ctx, total)
    footer(receipt, rng, ctx)
    return company, addr, total


LAYOUTS = {
    "grocery": layout_grocery,
    "restaurant": layout_restaurant,
    "coffee": layout_coffee,
    "fuel": layout_fuel,
    "pharmacy": layout_pharmacy,
    "hardware": layout_hardware,
    "fastfood": layout_fastfood,
    "department": layout_department,
    "cardslip": layout_cardslip,
    "uk_till": layout_uk_till,
    "au_taxinvoice": layout_au_tax_invoice,
}
# the layouts a country draws from, repeated for weight
BY_CC = {
    "US": "grocery grocery restaurant restaurant coffee fuel pharmacy hardware fastfood department "
    "cardslip cardslip",
    "CA": "grocery restaurant coffee fuel pharmacy hardware fastfood department cardslip",
    "UK": "uk_till uk_till uk_till restaurant coffee fuel pharmacy department cardslip fastfood",
    "IE": "uk_till uk_till restaurant coffee fuel pharmacy department cardslip",
    "AU": "au_taxinvoice au_taxinvoice au_taxinvoice grocery restaurant coffee fuel hardware "
    "cardslip fastfood",
    "NZ": "au_taxinvoice au_taxinvoice grocery restaurant coffee fuel cardslip",
    "SG": "grocery restaurant restaurant fastfood coffee department cardslip pharmacy",
}

# ------------------------------------------------------------------ rendering
_FONTS: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A font under FONT_DIR at a pixel size (at least 6), cached."""
    if (path, size) not in _FONTS:
        _FONTS[(path, size)] = ImageFont.truetype(FONT_DIR + path, max(6, size))
    return _FONTS[(path, size)]


def text_mask(text: str, font: ImageFont.FreeTypeFont, stretch: float = 1.0) -> Image.Image:
    """The text drawn white on black, one line high, scaled horizontally by ``stretch``."""
    ascent, descent = font.getmetrics()
    width = max(1, math.ceil(font.getlength(text))) + 2
    mask = Image.new("L", (width, ascent + descent), 0)
    ImageDraw.Draw(mask).text((0, 0), text, font=font, fill=255)
    if stretch != 1:
        return mask.resize((max(1, int(width * stretch)), ascent + descent), Image.BILINEAR)
    return mask


def cap_offset(font: ImageFont.FreeTypeFont, size: int) -> int:
    """Vertical shift so that capital letters start 15% of the size below the line top, for any
    font."""
    return int(size * 0.15) - font.getbbox("H")[1]


def render(receipt: Receipt, width: int, rng: random.Random, euro: bool) -> Image.Image:
    """Draws the receipt's elements black on white, ``width`` pixels wide, in a random font.

    ``euro``: only fonts with a euro sign.
    """
    mono = rng.random() < 0.7
    family = rng.choice([f for f in (MONO if mono else PROP) if f[2] or not euro])
    margin = int(width * rng.uniform(0.035, 0.07))
    usable = width - 2 * margin
    probe = load_font(family[0], 100)
    char_width = (
        probe.getlength("0") if mono else probe.getlength("ABCDEFGH abcdefgh 01234567") / 26
    )
    base = max(9, int(100 * usable / (receipt.cols * char_width)))  # body font size, pixels
    line_height = rng.uniform(1.1, 1.4)
    rule_style = rng.choice(["-", "=", "solid", "- ", "*", "."])
    img = Image.new("L", (width, 600 + len(receipt.elements) * base * 4), 255)
    draw = ImageDraw.Draw(img)
    y = int(base * rng.uniform(1, 3))
    for element in receipt.elements:
        kind = element[0]
        if kind == "text":
            _, text, align, rel_size, bold, inverse, stretch, font_path = element
            size = int(base * rel_size)
            path = font_path or family[1 if bold else 0]
            mask = text_mask(text, load_font(path, size), stretch)
            while mask.width > usable and size > 7:  # shrink until it fits
                size = int(size * 0.92)
                mask = text_mask(text, load_font(path, size), stretch)
            dy = cap_offset(load_font(path, size), size)
            if align == "l":
                x = margin
            else:
                x = width - margin - mask.width if align == "r" else (width - mask.width) // 2
            if inverse:
                pad = size // 5
                draw.rectangle(
                    [x - 3 * pad, y, x + mask.width + 3 * pad, y + int(size * 1.25) + 2 * pad],
                    fill=0,
                )
                img.paste(255, (x, y + pad + dy), mask)
                y += int(size * 1.25) + 3 * pad
            else:
                img.paste(0, (x, y + dy), mask)
                y += max(
                    int(size * line_height),
                    dy + load_font(path, size).getbbox("H")[3] + int(size * 0.4),
                )
        elif kind == "cols":
            _, parts, rel_size, bold = element
            size = int(base * rel_size)
            font = load_font(family[1 if bold else 0], size)
            placed = []  # [text, x, align, mask]
            for text, fraction, align in parts:
                mask = text_mask(text, font)
                anchor = margin + int(fraction * usable)
                placed.append([text, anchor if align == "l" else anchor - mask.width, align, mask])
            # truncate left-aligned text that would run into the next column
            for i, part in enumerate(placed):
                next_x = [q[1] for q in placed[i + 1 :] if q[0]]
                while (
                    part[2] == "l"
                    and next_x
                    and part[1] + part[3].width > min(next_x) - base // 2
                    and len(part[0]) > 1
                ):
                    part[0] = part[0][:-1]
                    part[3] = text_mask(part[0], font)
            for text, x, _align, mask in placed:
                if text:
                    img.paste(0, (max(0, x), y + cap_offset(font, size)), mask)
            y += int(size * line_height)
        elif kind == "rule":
            if rule_style == "solid":
                draw.line(
                    [margin, y + base // 2, width - margin, y + base // 2],
                    fill=0,
                    width=max(1, base // 10),
                )
            else:
                rule_font = load_font(family[0], int(base * 0.9))
                img.paste(
                    0,
                    (margin, y + cap_offset(rule_font, base)),
                    text_mask(
                        rule_style * int(usable / rule_font.getlength(rule_style)), rule_font
                    ),
                )
            y += int(base * line_height)
        elif kind == "space":
            y += int(base * element[1])
        elif kind == "bar":
            units = sum(bar + gap for bar, gap in element[1])
            unit = max(1, min(width // 220, usable // units))
            x = (width - units * unit) // 2
            height = int(base * 2.5)
            for bar, gap in element[1]:
                draw.rectangle([x, y, x + bar * unit - 1, y + height], fill=0)
                x += (bar + gap) * unit
            y += height + base // 3
        elif kind == "qr":
            n, module = 25, max(2, usable // 70)
            x0 = (width - n * module) // 2
            for i in range(n):
                for j in range(n):
                    finder = [
                        (i - a, j - b)
                        for a, b in ((0, 0), (0, 18), (18, 0))
                        if 0 <= i - a < 7 and 0 <= j - b < 7
                    ]
                    on = (
                        max(abs(finder[0][0] - 3), abs(finder[0][1] - 3)) != 2
                        if finder
                        else rng.random() < 0.5
                    )
                    if on:
                        draw.rectangle(
                            [
                                x0 + j * module,
                                y + i * module,
                                x0 + (j + 1) * module - 1,
                                y + (i + 1) * module - 1,
                            ],
                            fill=0,
                        )
            y += n * module + base // 2
        elif kind == "logo":
            diameter = int(base * 3.4)
            x = (width - diameter) // 2 if element[2] == "c" else margin
            if rng.random() < 0.5:
                draw.ellipse([x, y, x + diameter, y + diameter], outline=0, width=max(2, base // 6))
            else:
                draw.polygon(
                    [
                        (x + diameter // 2, y),
                        (x + diameter, y + diameter // 2),
                        (x + diameter // 2, y + diameter),
                        (x, y + diameter // 2),
                    ],
                    outline=0,
                    width=max(2, base // 6),
                )
            mask = text_mask(element[1], load_font(family[1], int(base * 1.3)))
            img.paste(
                0, (x + (diameter - mask.width) // 2, y + (diameter - mask.height) // 2), mask
            )
            y += diameter + base // 2
    return img.crop((0, 0, width, y + base))


def smooth(nrng: np.random.Generator, h: int, w: int, cells: int) -> np.ndarray:
    """Smooth random field in [0, 1]: cells x cells noise scaled up to h x w."""
    cell_noise = (nrng.random((cells, cells)) * 255).astype(np.uint8)
    return np.asarray(Image.fromarray(cell_noise).resize((w, h), Image.BICUBIC), np.float32) / 255


def degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    """Thermal fading, paper tint, background, rotation, lighting, blur, noise."""
    nrng = np.random.default_rng(rng.randrange(2**31))
    ink_cover = 1 - np.asarray(img, np.float32) / 255
    h, w = ink_cover.shape
    if rng.random() < 0.3:
        ink_cover = (
            np.asarray(
                Image.fromarray((ink_cover * 255).astype(np.uint8)).filter(
                    ImageFilter.GaussianBlur(0.6)
                ),
                np.float32,
            )
            / 255
        )
    dark = rng.uniform(0.85, 1.0) if rng.random() < 0.6 else rng.uniform(0.45, 0.85)
    intensity = dark * (1 - rng.uniform(0, 0.4) * smooth(nrng, h, w, rng.randint(3, 8)))
    if rng.random() < 0.2:
        intensity[:, nrng.random(w) < 0.01] *= 0.35  # dead print-head dots
    p = rng.randint(228, 252)
    paper = np.array([p, p - rng.randint(0, 5), p - rng.randint(0, 14)], np.float32)
    ink = np.array(rng.choice([(20, 20, 25), (40, 38, 45), (35, 30, 60), (60, 55, 50)]), np.float32)
    cover = (ink_cover * intensity)[..., None]
    out = paper * (1 - cover) + ink * cover
    # creases / uneven paper
    out *= (1 - rng.uniform(0, 0.12) * smooth(nrng, h, w, rng.randint(4, 12)))[..., None]
    im = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    background: tuple[int, ...] = rng.choice(
        [
            (120, 85, 55),
            (50, 50, 55),
            (205, 205, 200),
            (90, 100, 115),
            (40, 80, 60),
            (160, 150, 140),
        ]
    )
    if rng.random() < 0.65:  # on a table, with a drop shadow
        mx, my = int(w * rng.uniform(0.04, 0.3)), int(w * rng.uniform(0.03, 0.15))
        bg = (
            np.array(background, np.float32)
            * (0.8 + 0.4 * smooth(nrng, h + 2 * my, w + 2 * mx, 16))[..., None]
        )
        bg += nrng.normal(0, 6, bg.shape)
        canvas = Image.fromarray(np.clip(bg, 0, 255).astype(np.uint8))
        shadow = Image.new("L", canvas.size, 0)
        ImageDraw.Draw(shadow).rectangle([mx + 6, my + 6, mx + w + 6, my + h + 6], fill=110)
        canvas = Image.composite(
            Image.new("RGB", canvas.size, 0), canvas, shadow.filter(ImageFilter.GaussianBlur(8))
        )
        canvas.paste(im, (mx, my))
        im = canvas
    else:
        background = (rng.randint(215, 255),) * 3
    im = im.rotate(rng.uniform(-3, 3), Image.BICUBIC, expand=True, fillcolor=background)
    if rng.random() < 0.3:  # slight perspective (phone not parallel to paper)
        full_w, full_h = im.size

        def jitter() -> float:
            return rng.uniform(0, 0.025)

        quad = (
            full_w * jitter(),
            full_h * jitter(),
            full_w * jitter(),
            full_h * (1 - jitter()),
            full_w * (1 - jitter()),
            full_h * (1 - jitter()),
            full_w * (1 - jitter()),
            full_h * jitter(),
        )
        im = im.transform(im.size, Image.QUAD, quad, Image.BICUBIC, fillcolor=background)
    arr = np.asarray(im, np.float32)
    full_h, full_w = arr.shape[:2]
    yy, xx = np.mgrid[0:full_h, 0:full_w].astype(np.float32)
    angle = rng.uniform(0, 6.28)
    grad = np.cos(angle) * xx / full_w + np.sin(angle) * yy / full_h  # light falling off
    grad = (grad - grad.min()) / (np.ptp(grad) + 1e-6)
    arr *= (1 - rng.uniform(0, 0.3) * grad)[..., None]
    if rng.random() < 0.3:  # soft shadow of a hand / phone
        shade = Image.new("L", (full_w, full_h), 0)
        cx, cy = rng.choice([0, full_w]), rng.uniform(0, full_h)
        ImageDraw.Draw(shade).ellipse(
            [cx - full_w * 0.5, cy - full_h * 0.3, cx + full_w * 0.5, cy + full_h * 0.3], fill=255
        )
        arr *= (
            1
            - rng.uniform(0.2, 0.4)
            * np.asarray(shade.filter(ImageFilter.GaussianBlur(full_w // 12)), np.float32)
            / 255
        )[..., None]
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    blur = rng.uniform(0, 1.0) * min(1.0, w / 650)
    if blur > 0.25:
        im = im.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(im, np.float32) + nrng.normal(
        0, rng.uniform(1, 7), (im.size[1], im.size[0], 1)
    )
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


# ------------------------------------------------------------------ main
def make_receipt(seed: int) -> tuple[Image.Image, dict[str, Any], int]:
    """The receipt image, its label and the JPEG quality to save it with."""
    rng = random.Random(seed)
    cc = rng.choices(["US", "CA", "UK", "IE", "AU", "NZ", "SG"], [60, 9, 9, 5, 8, 4, 5])[0]
    layout = rng.choice(BY_CC[cc].split())
    kind = {
        "uk_till": "grocery",
        "cardslip": rng.choice(["restaurant", "hardware", "department", "coffee", "grocery"]),
        "au_taxinvoice": rng.choice(["bakery", "butcher", "newsagent", "hardware", "coffee"]),
    }.get(layout, layout)
    ctx = Context(rng, cc, kind)
    width = rng.randint(400, 900)
    cols = rng.randint(32, max(32, min(48, width // 10)))
    receipt = Receipt(cols)
    company, addr, total = LAYOUTS[layout](receipt, rng, ctx)
    img = degrade(render(receipt, width, rng, cc == "IE"), rng)
    label = {
        "file": f"{seed}.jpg",
        "fields": {
            "company": company,
            "address": addr,
            "date": ctx.date.isoformat(),
            "total": f"{total // 100}.{total % 100:02d}",
        },
        "meta": {"country": cc, "layout": layout},
    }
    return img, label, rng.randint(40, 90)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seeds", required=True, help="A-B, inclusive")
    args = ap.parse_args(argv)
    lo, hi = (int(x) for x in args.seeds.split("-"))
    os.makedirs(args.out, exist_ok=True)
    for seed in range(lo, hi + 1):
        img, label, quality = make_receipt(seed)
        img.save(os.path.join(args.out, f"{seed}.jpg"), quality=quality)
        with open(os.path.join(args.out, f"{seed}.json"), "w") as f:
            json.dump(label, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
