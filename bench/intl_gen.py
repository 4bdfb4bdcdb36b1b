#!/usr/bin/env python3
"""Generator of international HubSpot-UI-style contact exports (written by an
independent tester on 2026-12-08; a development set since its false pairs
were looked at that day).

usage: gen.py REGION N SEED OUT.csv TRUTH.csv
REGION: dach | romance | cjk | india | uk
Truth CSV: record_id,person_id,role,tags  (role: orig|dup|household|namesake;
tags: ';'-joined perturbations applied to a dup copy)
"""
import csv, random, sys, unicodedata

def zipf_choice(rng, items, s=1.0):
    # cached cumulative weights per list id
    key = (id(items), s)
    cw = _ZC.get(key)
    if cw is None:
        w = [1.0 / (i + 1) ** s for i in range(len(items))]
        tot = 0; cw = []
        for x in w:
            tot += x; cw.append(tot)
        _ZC[key] = cw
    r = rng.random() * cw[-1]
    lo, hi = 0, len(cw) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cw[mid] < r: lo = mid + 1
        else: hi = mid
    return items[lo]
_ZC = {}

def strip_accents(s):
    s = s.replace('ß', 'ss').replace('ø', 'o').replace('Ø', 'O').replace('æ', 'ae')
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')

def umlaut_ascii(s):
    for a, b in (('ä', 'ae'), ('ö', 'oe'), ('ü', 'ue'), ('Ä', 'Ae'), ('Ö', 'Oe'), ('Ü', 'Ue'), ('ß', 'ss')):
        s = s.replace(a, b)
    return s

def email_local(s):
    s = umlaut_ascii(s) if any(c in s for c in 'äöüÄÖÜß') else s
    s = strip_accents(s).lower()
    return ''.join(c for c in s if c.isalnum() or c in '.-')

def typo(rng, s):
    if len(s) < 4: return s
    i = rng.randrange(1, len(s) - 1)
    k = rng.random()
    if k < 0.3: return s[:i] + s[i + 1:]                      # deletion
    if k < 0.6: return s[:i] + s[i + 1] + s[i] + s[i + 2:]      # transposition
    if k < 0.8: return s[:i] + s[i] + s[i:]                    # doubling
    return s[:i] + rng.choice('aeinorst') + s[i + 1:]          # substitution

# ---------------------------------------------------------------- phones
class Phone:
    """A number as country code + national significant number; formatted per style."""
    def __init__(self, cc, area, sub, trunk='0', mobile=False):
        self.cc, self.area, self.sub, self.trunk, self.mobile = cc, area, sub, trunk, mobile
    def key(self):
        return (self.cc, self.area, self.sub)
    def fmt(self, style):
        cc, a, s, t = self.cc, self.area, self.sub, self.trunk
        g = lambda x, n: ' '.join(x[i:i + n] for i in range(0, len(x), n))
        if cc == '49' or cc == '43':
            return [f'+{cc} {a} {s}', f'{t}{a} {s}', f'+{cc}{a}{s}', f'{t}{a}/{s}', f'+{cc} (0){a} {s}', f'00{cc} {a} {s}'][style % 6]
        if cc == '41':
            x = f'{s[:3]} {s[3:5]} {s[5:]}'
            return [f'+41 {a} {x}', f'0{a} {x}', f'+41{a}{s}', f'0{a}{s}', f'+41 (0){a} {x}', f'0041 {a} {x}'][style % 6]
        if cc == '33':
            n = a + s
            return [f'+33 {a} {g(s, 2)}', f'0{a} {g(s, 2)}', f'+33{n}', f'0{n}', f'0{a}.{".".join(s[i:i+2] for i in range(0, 8, 2))}', f'0033 {a} {g(s, 2)}'][style % 6]
        if cc == '34':
            n = a + s
            return [f'+34 {n[:3]} {n[3:6]} {n[6:]}', f'{n[:3]} {n[3:6]} {n[6:]}', f'+34{n}', n, f'0034 {n}', f'(+34) {n}'][style % 6]
        if cc == '52':
            n = a + s
            m1 = ' 1' if self.mobile else ''
            return [f'+52 {a} {s[:4]} {s[4:]}', f'{a} {s[:4]} {s[4:]}', f'+52{n}', f'+52{m1} {a} {s[:4]} {s[4:]}', f'01 {a} {s[:4]} {s[4:]}', f'({a}) {s[:4]} {s[4:]}'][style % 6]
        if cc == '81':
            x = f'{s[:-4]}-{s[-4:]}'
            return [f'+81 {a}-{x}', f'0{a}-{x}', f'+81{a}{s}', f'0{a}{s}', f'+81-{a}-{x}', f'(0{a}) {x}'][style % 6]
        if cc == '86':
            if self.mobile:
                n = a + s
                return [f'+86 {n[:3]} {n[3:7]} {n[7:]}', n, f'+86{n}', f'{n[:3]}-{n[3:7]}-{n[7:]}', f'0086 {n}', f'+86-{n}'][style % 6]
            return [f'+86 {a} {s[:4]} {s[4:]}', f'0{a}-{s}', f'+86{a}{s}', f'0{a} {s}', f'(0{a}) {s}', f'0086 {a} {s}'][style % 6]
        if cc == '82':
            x = f'{s[:-4]}-{s[-4:]}'
            return [f'+82 {a}-{x}', f'0{a}-{x}', f'+82{a}{s}', f'0{a}{s}', f'+82-{a}-{x}', f'0{a} {s[:-4]} {s[-4:]}'][style % 6]
        if cc == '91':
            if self.mobile:
                n = a + s
                return [f'+91 {n[:5]} {n[5:]}', f'0{n}', f'+91{n}', n, f'+91-{n}', f'{n[:5]} {n[5:]}'][style % 6]
            return [f'+91 {a} {s[:4]} {s[4:]}', f'0{a} {s[:4]} {s[4:]}', f'+91{a}{s}', f'0{a}-{s}', f'0{a}{s}', f'+91-{a}-{s}'][style % 6]
        if cc == '44':
            if self.mobile:
                return [f'+44 {a} {s}', f'0{a} {s}', f'+44{a}{s}', f'0{a}{s}', f'+44 (0){a} {s}', f'0044 {a} {s}'][style % 6]
            return [f'+44 {a} {s[:4]} {s[4:]}', f'0{a} {s[:4]} {s[4:]}', f'+44{a}{s}', f'(0{a}) {s[:4]} {s[4:]}', f'+44 (0){a} {s[:4]} {s[4:]}', f'0{a}{s}'][style % 6]
        return f'+{cc} {a} {s}'

def digits(rng, n):
    return ''.join(rng.choice('0123456789') for _ in range(n))

# ---------------------------------------------------------------- regions
R = {}

R['dach'] = dict(
    first_m=['Lukas', 'Jürgen', 'Thomas', 'Michael', 'Andreas', 'Stefan', 'Jörg', 'Uwe', 'Klaus', 'Günter', 'Maximilian', 'Felix', 'Jonas', 'Sebastian', 'Matthias', 'Björn', 'Sören', 'Dieter', 'Wolfgang', 'Helmut', 'Peter', 'Frank', 'Markus', 'Tobias', 'Florian', 'Niklas', 'Leon', 'Paul', 'Ralf', 'Bernd', 'Horst', 'Rüdiger', 'Hans-Jürgen', 'Karl-Heinz', 'Franz', 'Josef', 'Reto', 'Urs', 'Beat', 'Lars'],
    first_f=['Anna', 'Jutta', 'Sabine', 'Petra', 'Ursula', 'Monika', 'Julia', 'Lena', 'Sophie', 'Käthe', 'Jörgine', 'Brigitte', 'Gabriele', 'Katharina', 'Laura', 'Lea', 'Marie', 'Hannah', 'Claudia', 'Susanne', 'Birgit', 'Heike', 'Andrea', 'Stefanie', 'Nicole', 'Anja', 'Doris', 'Renate', 'Gisela', 'Hildegard', 'Anne-Marie', 'Lisa-Marie', 'Karin', 'Bärbel', 'Jana', 'Nadine', 'Mia', 'Emma', 'Franziska', 'Regula'],
    last=['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Schubert', 'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz', 'Baumann', 'Franke', 'Albrecht', 'Schuster', 'Simon', 'Ludwig', 'Böhm', 'Winter', 'Kraus', 'Martin', 'Schumacher', 'Krämer', 'Vogt', 'Stein', 'Jäger', 'Otto', 'Sommer', 'Groß', 'Seidel', 'Heinrich', 'Brandt', 'Haas', 'Schreiber', 'Graf', 'Schulte', 'Dietrich', 'Ziegler', 'Kuhn', 'Kühn', 'Pohl', 'Engel', 'Horn', 'Busch', 'Bergmann', 'Thomas', 'Voigt', 'Sauer', 'Arnold', 'Wolff', 'Pfeiffer', 'von Weizsäcker', 'Gruber', 'Steiner', 'Moser', 'Brunner', 'Gerber', 'Baumgartner', 'Meßner', 'Strauß', 'Däubler', 'Özdemir', 'Yılmaz'],
    streets=['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Lindenstraße', 'Kirchstraße', 'Goethestraße', 'Schillerstraße', 'Friedrichstraße', 'Münchener Straße', 'Kölner Straße', 'Am Mühlbach', 'Rosenweg', 'Königsallee', 'Mariahilfer Straße', 'Bahnhofplatz', 'Seestraße', 'Zürcherstrasse'],
    cities=[('Berlin', '49', '30', '10', 'Germany'), ('München', '49', '89', '80', 'Germany'), ('Hamburg', '49', '40', '20', 'Germany'), ('Köln', '49', '221', '50', 'Germany'), ('Frankfurt am Main', '49', '69', '60', 'Germany'), ('Düsseldorf', '49', '211', '40', 'Germany'), ('Stuttgart', '49', '711', '70', 'Germany'), ('Nürnberg', '49', '911', '90', 'Germany'), ('Würzburg', '49', '931', '97', 'Germany'), ('Lübeck', '49', '451', '23', 'Germany'), ('Wien', '43', '1', '1', 'Austria'), ('Graz', '43', '316', '8', 'Austria'), ('Zürich', '41', '44', '8', 'Switzerland'), ('Genf', '41', '22', '12', 'Switzerland'), ('Basel', '41', '61', '40', 'Switzerland')],
    city_alias={'München': ['Muenchen', 'Munich'], 'Köln': ['Koeln', 'Cologne'], 'Nürnberg': ['Nuernberg', 'Nuremberg'], 'Düsseldorf': ['Duesseldorf'], 'Würzburg': ['Wuerzburg'], 'Lübeck': ['Luebeck'], 'Wien': ['Vienna'], 'Zürich': ['Zuerich', 'Zurich'], 'Genf': ['Genève', 'Geneva'], 'Frankfurt am Main': ['Frankfurt', 'Frankfurt a.M.']},
    country_alias={'Germany': ['Deutschland', 'DE'], 'Austria': ['Österreich', 'AT'], 'Switzerland': ['Schweiz', 'CH']},
    domains=['gmail.com', 'web.de', 'gmx.de', 't-online.de', 'gmx.at', 'bluewin.ch', 'outlook.de', 'posteo.de'],
    legal=['GmbH', 'AG', 'GmbH & Co. KG', 'KG', 'e.V.', 'SE'],
    comp=['Bäckerei', 'Maschinenbau', 'Software', 'Logistik', 'Elektro', 'Baustoffe', 'Versicherung', 'Consulting', 'Medizintechnik', 'Automobil', 'Druckerei', 'Solar', 'Immobilien', 'Spedition', 'Brauerei'],
    titles=['Geschäftsführer', 'Einkaufsleiterin', 'Vertriebsleiter', 'Projektmanager', 'IT-Leiter', 'Sachbearbeiterin', 'Prokurist', 'Leiterin Marketing', 'Ingenieur', 'Werkstudent'],
)

R['romance'] = dict(
    first_m=['José', 'Jesús', 'Andrés', 'Sébastien', 'François', 'Jérôme', 'Hélio', 'Raúl', 'Martín', 'Nicolás', 'Tomás', 'Joaquín', 'Julián', 'Iñaki', 'Álvaro', 'Óscar', 'Rubén', 'Adrián', 'Juan Carlos', 'José Luis', 'Miguel Ángel', 'Jean-Pierre', 'Jean-Luc', 'Pierre', 'Luis', 'Carlos', 'Pablo', 'Diego', 'Javier', 'Fernando', 'Alejandro', 'Ricardo', 'Eduardo', 'Antoine', 'Mathieu', 'Théo', 'Benoît', 'Gaël', 'Loïc', 'Ramón'],
    first_f=['María', 'Lucía', 'Sofía', 'Inés', 'Mónica', 'Verónica', 'Bélen', 'Ana', 'Carmen', 'Isabel', 'Marta', 'Elena', 'Paula', 'Laura', 'Cristina', 'Pilar', 'María José', 'María del Carmen', 'Ana Sofía', 'Guadalupe', 'Ximena', 'Valentina', 'Camila', 'Daniela', 'Fernanda', 'Renée', 'Hélène', 'Élodie', 'Amélie', 'Chloé', 'Léa', 'Zoé', 'Céline', 'Anaïs', 'Noémie', 'Maëlle', 'Françoise', 'Geneviève', 'Mercedes', 'Begoña'],
    last=['García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Alonso', 'Gutiérrez', 'Navarro', 'Torres', 'Domínguez', 'Vázquez', 'Ramos', 'Gil', 'Ramírez', 'Serrano', 'Blanco', 'Suárez', 'Molina', 'Morales', 'Ortega', 'Delgado', 'Castro', 'Ortiz', 'Rubio', 'Marín', 'Sanz', 'Núñez', 'Iglesias', 'Medina', 'Garrido', 'Cortés', 'Castillo', 'Santos', 'Lozano', 'Guerrero', 'Cano', 'Prieto', 'Méndez', 'Cruz', 'de la Cruz', 'de la Fuente', 'del Río', 'Peña', 'Ibáñez', 'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Lefebvre', 'Fontaine', 'Chevalier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Faure', 'Rousseau', 'Mercier', 'Boyer', 'Garnier', 'Chéreau', 'Bézier', 'Gaillard', 'Brunet', 'Rivière', "d'Arcy", 'de Saint-Exupéry', 'Le Goff', 'Le Brun'],
    compound=True,
    streets=['Calle Mayor', 'Calle de Alcalá', 'Avenida de la Constitución', 'Paseo de la Reforma', 'Avenida Insurgentes Sur', 'Gran Vía', 'Carrer de Balmes', 'rue de la Paix', 'rue du Faubourg Saint-Honoré', 'boulevard Haussmann', 'avenue des Champs-Élysées', 'rue de Rivoli', 'Calle Bolívar', 'Avenida Corrientes', 'Calle 72', 'Plaza de España', 'Calle Núñez de Balboa'],
    cities=[('Madrid', '34', '91', '28', 'Spain'), ('Barcelona', '34', '93', '08', 'Spain'), ('Sevilla', '34', '95', '41', 'Spain'), ('Málaga', '34', '952', '29', 'Spain'), ('A Coruña', '34', '981', '15', 'Spain'), ('Paris', '33', '1', '75', 'France'), ('Lyon', '33', '4', '69', 'France'), ('Marseille', '33', '4', '13', 'France'), ('Orléans', '33', '2', '45', 'France'), ('Besançon', '33', '3', '25', 'France'), ('Ciudad de México', '52', '55', '0', 'Mexico'), ('Guadalajara', '52', '33', '44', 'Mexico'), ('Monterrey', '52', '81', '64', 'Mexico'), ('Bogotá', '57', '601', '11', 'Colombia'), ('Medellín', '57', '604', '05', 'Colombia')],
    city_alias={'Ciudad de México': ['CDMX', 'Mexico City', 'México D.F.'], 'Sevilla': ['Seville'], 'Málaga': ['Malaga'], 'A Coruña': ['La Coruña', 'A Coruna'], 'Bogotá': ['Bogota'], 'Medellín': ['Medellin'], 'Orléans': ['Orleans'], 'Besançon': ['Besancon']},
    country_alias={'Spain': ['España', 'ES'], 'France': ['FR'], 'Mexico': ['México', 'MX'], 'Colombia': ['CO']},
    domains=['gmail.com', 'hotmail.com', 'yahoo.es', 'orange.fr', 'free.fr', 'outlook.com', 'hotmail.es', 'prodigy.net.mx', 'laposte.net'],
    legal=['S.A.', 'S.L.', 'SARL', 'SAS', 'S.A. de C.V.', 'S.A.S.'],
    comp=['Construcciones', 'Ingeniería', 'Distribuciones', 'Logística', 'Informática', 'Transports', 'Boulangerie', 'Conseil', 'Seguros', 'Alimentación', 'Énergie', 'Pharmacie', 'Textil', 'Vinícola', 'Inmobiliaria'],
    titles=['Director General', 'Directora Comercial', 'Jefe de Compras', 'Gerente de Ventas', 'Directeur Commercial', 'Chef de Projet', 'Responsable Achats', 'Ingeniera', 'Analista', 'Contrôleur de Gestion'],
)

# CJK: (latin variants list, native)
CN_SUR = [(['Wang'], '王'), (['Li', 'Lee'], '李'), (['Zhang', 'Chang'], '张'), (['Liu'], '刘'), (['Chen', 'Chan'], '陈'), (['Yang'], '杨'), (['Huang', 'Wong'], '黄'), (['Zhao', 'Chao'], '赵'), (['Wu'], '吴'), (['Zhou', 'Chou'], '周'), (['Xu', 'Hsu'], '徐'), (['Sun'], '孙'), (['Ma'], '马'), (['Zhu', 'Chu'], '朱'), (['Hu'], '胡'), (['Guo', 'Kuo'], '郭'), (['He', 'Ho'], '何'), (['Lin', 'Lam'], '林'), (['Gao', 'Kao'], '高'), (['Luo', 'Lo'], '罗')]
CN_GIV = [(['Wei'], '伟'), (['Fang'], '芳'), (['Na'], '娜'), (['Min'], '敏'), (['Jing', 'Ching'], '静'), (['Li'], '丽'), (['Qiang', 'Chiang'], '强'), (['Lei'], '磊'), (['Jun', 'Chun'], '军'), (['Yang'], '洋'), (['Jie', 'Chieh'], '杰'), (['Yong'], '勇'), (['Yan'], '艳'), (['Tao'], '涛'), (['Ming'], '明'), (['Chao'], '超'), (['Xiuying', 'Xiu-Ying', 'Xiu Ying', 'Hsiu-ying'], '秀英'), (['Xiaoming', 'Xiao-Ming', 'Xiao Ming', 'Hsiao-ming'], '晓明'), (['Hui'], '慧'), (['Jianhua', 'Jian-Hua', 'Jian Hua', 'Chien-hua'], '建华'), (['Zhiwei', 'Zhi-Wei', 'Chih-wei'], '志伟'), (['Yuxuan', 'Yu-Xuan'], '宇轩'), (['Haoran', 'Hao-Ran'], '浩然'), (['Zihan', 'Zi-Han'], '子涵'), (['Xinyi', 'Xin-Yi', 'Hsin-yi'], '欣怡')]
JP_SUR = [(['Sato', 'Satō', 'Satou', 'Satoh'], '佐藤'), (['Suzuki'], '鈴木'), (['Takahashi'], '高橋'), (['Tanaka'], '田中'), (['Ito', 'Itō', 'Itou', 'Itoh'], '伊藤'), (['Watanabe'], '渡辺'), (['Yamamoto'], '山本'), (['Nakamura'], '中村'), (['Kobayashi'], '小林'), (['Kato', 'Katō', 'Katou', 'Katoh'], '加藤'), (['Yoshida'], '吉田'), (['Yamada'], '山田'), (['Sasaki'], '佐々木'), (['Yamaguchi'], '山口'), (['Matsumoto'], '松本'), (['Inoue'], '井上'), (['Kimura'], '木村'), (['Hayashi'], '林'), (['Saito', 'Saitō', 'Saitou'], '斎藤'), (['Shimizu'], '清水'), (['Ono', 'Ōno', 'Oono', 'Ohno'], '大野'), (['Goto', 'Gotō', 'Gotou', 'Gotoh'], '後藤')]
JP_GIV = [(['Taro', 'Tarō', 'Tarou'], '太郎'), (['Shota', 'Shōta', 'Shouta'], '翔太'), (['Kenta'], '健太'), (['Daisuke'], '大輔'), (['Yuko', 'Yūko', 'Yuuko'], '裕子'), (['Yoko', 'Yōko', 'Youko'], '陽子'), (['Misaki'], '美咲'), (['Hiroshi'], '浩'), (['Makoto'], '誠'), (['Takashi'], '隆'), (['Megumi'], '恵'), (['Yuki', 'Yūki', 'Yuuki'], '由紀'), (['Kazuki'], '一輝'), (['Haruto'], '陽翔'), (['Sakura'], 'さくら'), (['Ryuichi', 'Ryūichi', 'Ryuuichi'], '隆一'), (['Shunsuke'], '俊介'), (['Ayaka'], '彩花'), (['Kyoko', 'Kyōko', 'Kyouko'], '京子'), (['Junichi', "Jun'ichi", 'Jun-ichi'], '純一')]
KR_SUR = [(['Kim', 'Gim'], '김'), (['Lee', 'Yi', 'Rhee'], '이'), (['Park', 'Pak', 'Bak'], '박'), (['Choi', 'Choe'], '최'), (['Jung', 'Jeong', 'Chung'], '정'), (['Kang', 'Gang'], '강'), (['Cho', 'Jo'], '조'), (['Yoon', 'Yun'], '윤'), (['Jang', 'Chang'], '장'), (['Lim', 'Im'], '임'), (['Han'], '한'), (['Oh', 'O'], '오'), (['Seo', 'Suh'], '서'), (['Shin', 'Sin'], '신')]
KR_GIV = [(['Min-jun', 'Minjun', 'Min Jun', 'Min-Jun'], '민준'), (['Seo-jun', 'Seojun', 'Seo Jun'], '서준'), (['Do-yoon', 'Doyun', 'Do-yun'], '도윤'), (['Seo-yeon', 'Seoyeon', 'Seo Yeon'], '서연'), (['Ji-woo', 'Jiwoo', 'Ji-u'], '지우'), (['Ha-eun', 'Haeun', 'Ha Eun'], '하은'), (['Ji-hoon', 'Jihoon', 'Ji-hun'], '지훈'), (['Su-bin', 'Subin'], '수빈'), (['Hyun-woo', 'Hyunwoo', 'Hyeon-u'], '현우'), (['Ye-eun', 'Yeeun'], '예은'), (['Ji-yeon', 'Jiyeon'], '지연'), (['Sung-min', 'Seong-min', 'Sungmin'], '성민'), (['Young-ho', 'Yeong-ho', 'Youngho'], '영호'), (['Eun-ji', 'Eunji'], '은지')]

R['cjk'] = dict(
    cjk=True,
    streets=['Shibuya', 'Shinjuku', 'Minato-ku Shiba', 'Umeda', 'Nakano', 'Century Avenue', 'Nanjing Road', 'Jianguo Road', 'Zhongguancun Street', 'Teheran-ro', 'Gangnam-daero', 'Sejong-daero', 'Haeundae-ro'],
    cities=[('Tokyo', '81', '3', 'JP', 'Japan'), ('Osaka', '81', '6', 'JP', 'Japan'), ('Yokohama', '81', '45', 'JP', 'Japan'), ('Beijing', '86', '10', 'CN', 'China'), ('Shanghai', '86', '21', 'CN', 'China'), ('Shenzhen', '86', '755', 'CN', 'China'), ('Seoul', '82', '2', 'KR', 'South Korea'), ('Busan', '82', '51', 'KR', 'South Korea')],
    city_native={'Tokyo': '東京', 'Osaka': '大阪', 'Yokohama': '横浜', 'Beijing': '北京', 'Shanghai': '上海', 'Shenzhen': '深圳', 'Seoul': '서울', 'Busan': '부산'},
    city_alias={'Tokyo': ['Tōkyō', 'Tokyo-to'], 'Osaka': ['Ōsaka'], 'Beijing': ['Peking'], 'Busan': ['Pusan']},
    country_alias={'Japan': ['JP', '日本'], 'China': ['CN', "People's Republic of China"], 'South Korea': ['Korea, Republic of', 'KR', 'Korea']},
    domains=['gmail.com', 'yahoo.co.jp', 'docomo.ne.jp', 'qq.com', '163.com', 'naver.com', 'daum.net', 'outlook.jp'],
    legal=['Co., Ltd.', 'K.K.', 'Corporation', 'Inc.', 'Ltd.'],
    comp=['Mitsuba Electric', 'Sakura Trading', 'Hanwa Tech', 'Dongfang Logistics', 'Huaxin Software', 'Daehan Chemical', 'Seoul Semicon', 'Nippon Precision', 'Kyokuto Foods', 'Zhongke Instruments', 'Hyundai-like Motors', 'Tianyu Media'],
    titles=['Manager', 'Section Chief', 'Engineer', 'Sales Representative', 'Director', 'General Manager', 'Buyer', 'Team Lead', 'Researcher', 'President'],
)

R['india'] = dict(
    first_m=['Ramesh', 'Suresh', 'Rajesh', 'Venkata Subramanian', 'Srinivasa', 'Arjun', 'Rahul', 'Amit', 'Vijay', 'Sanjay', 'Anil', 'Sunil', 'Prakash', 'Krishna', 'Ravi', 'Mohammed', 'Abdul', 'Gurpreet', 'Harpreet', 'Manoj', 'Deepak', 'Ashok', 'Naveen', 'Karthik', 'Arun', 'Balasubramanian', 'Venkatesh', 'Sai Kiran', 'Aditya', 'Rohan'],
    first_f=['Priya', 'Lakshmi', 'Sunita', 'Anjali', 'Kavitha', 'Deepa', 'Pooja', 'Neha', 'Divya', 'Meena', 'Radha', 'Shalini', 'Aishwarya', 'Sneha', 'Fatima', 'Ananya', 'Harini', 'Gayathri', 'Jyoti', 'Rekha', 'Sangeetha', 'Vijayalakshmi', 'Padmavathi', 'Nandini', 'Swati'],
    last=['Sharma', 'Verma', 'Gupta', 'Singh', 'Kumar', 'Patel', 'Shah', 'Reddy', 'Rao', 'Naidu', 'Iyer', 'Iyengar', 'Srinivasan', 'Subramanian', 'Krishnamurthy', 'Venkataraman', 'Ramakrishnan', 'Nair', 'Menon', 'Pillai', 'Das', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Bose', 'Joshi', 'Kulkarni', 'Deshpande', 'Patil', 'Khan', 'Ahmed', 'Siddiqui', 'Mehta', 'Agarwal', 'Jain', 'Chopra', 'Malhotra', 'Kapoor', 'Bhat', 'Hegde', 'Gowda', 'Chowdhury', 'Mishra', 'Pandey', 'Tiwari', 'Yadav'],
    india=True,
    streets=['MG Road', 'Brigade Road', 'Anna Salai', 'Linking Road', 'Park Street', 'Nehru Place', 'Banjara Hills Road No. 12', 'FC Road', '100 Feet Road, Indiranagar', 'Sector 62'],
    cities=[('Bengaluru', '91', '80', '560', 'India'), ('Mumbai', '91', '22', '400', 'India'), ('Chennai', '91', '44', '600', 'India'), ('Kolkata', '91', '33', '700', 'India'), ('New Delhi', '91', '11', '110', 'India'), ('Hyderabad', '91', '40', '500', 'India'), ('Pune', '91', '20', '411', 'India'), ('Noida', '91', '120', '201', 'India')],
    city_alias={'Bengaluru': ['Bangalore'], 'Mumbai': ['Bombay'], 'Chennai': ['Madras'], 'Kolkata': ['Calcutta'], 'New Delhi': ['Delhi'], 'Pune': ['Poona']},
    country_alias={'India': ['IN', 'Bharat']},
    domains=['gmail.com', 'yahoo.co.in', 'rediffmail.com', 'outlook.com', 'hotmail.com'],
    legal=['Pvt. Ltd.', 'Private Limited', 'Ltd.', 'LLP'],
    comp=['Infotech', 'Software Solutions', 'Textiles', 'Pharma', 'Engineering', 'Logistics', 'Agro Industries', 'Consultancy Services', 'Motors', 'Steel'],
    titles=['Senior Software Engineer', 'Manager', 'Assistant General Manager', 'Director', 'Team Lead', 'Proprietor', 'Chartered Accountant', 'Purchase Officer', 'Sales Executive', 'Vice President'],
)

R['uk'] = dict(
    first_m=['Oliver', 'George', 'Harry', 'Jack', 'Charlie', 'Thomas', 'James', 'William', 'Daniel', 'David', 'Richard', 'Robert', 'Michael', 'Christopher', 'Matthew', 'Andrew', 'Mohammed', 'Rhys', 'Callum', 'Ewan', 'Gareth', 'Owain', 'Siobhán', 'Seán', 'Ciarán'],
    first_f=['Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Sophie', 'Charlotte', 'Sarah', 'Emma', 'Rebecca', 'Hannah', 'Lucy', 'Catherine', 'Elizabeth', 'Margaret', 'Niamh', 'Aoife', 'Sinéad', 'Zoë', 'Chloë', 'Priya', 'Fatima', 'Bethan', 'Ffion', 'Eilidh'],
    last=['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson', 'Roberts', 'Robinson', 'Thompson', 'Wright', 'Walker', 'White', 'Edwards', 'Hughes', 'Green', 'Hall', 'Lewis', 'Harris', 'Clarke', 'Patel', 'Jackson', 'Wood', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward', 'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen', "O'Brien", "O'Connor", 'MacDonald', 'McDonald', 'Mac an tSaoir', 'Ní Bhriain', 'Fitzgerald', 'Khan', 'Ahmed', 'Smyth', 'Ap Rhys', 'Llewellyn'],
    uk=True,
    streets=['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Green Lane', 'Manor Road', 'Park Avenue', 'Queen Street', "King's Road", 'Mill Lane', 'The Crescent', 'London Road'],
    cities=[('London', '44', '20', 'SW1A', 'United Kingdom'), ('London', '44', '20', 'EC1V', 'United Kingdom'), ('London', '44', '20', 'N1', 'United Kingdom'), ('Manchester', '44', '161', 'M1', 'United Kingdom'), ('Birmingham', '44', '121', 'B15', 'United Kingdom'), ('Leeds', '44', '113', 'LS1', 'United Kingdom'), ('Glasgow', '44', '141', 'G12', 'United Kingdom'), ('Edinburgh', '44', '131', 'EH1', 'United Kingdom'), ('Cardiff', '44', '29', 'CF10', 'United Kingdom'), ('Bristol', '44', '117', 'BS1', 'United Kingdom'), ('Belfast', '44', '28', 'BT1', 'United Kingdom')],
    city_alias={'Cardiff': ['Caerdydd'], 'Glasgow': ['Glaschu']},
    country_alias={'United Kingdom': ['UK', 'GB', 'Great Britain', 'England']},
    domains=['gmail.com', 'btinternet.com', 'hotmail.co.uk', 'yahoo.co.uk', 'sky.com', 'outlook.com', 'icloud.com'],
    legal=['Ltd', 'Limited', 'PLC', 'LLP'],
    comp=['Engineering', 'Consulting', 'Logistics', 'Solicitors', 'Estates', 'Builders', 'Software', 'Trading', 'Media', 'Foods'],
    titles=['Managing Director', 'Head of Procurement', 'Office Manager', 'Sales Director', 'Accountant', 'Operations Manager', 'Software Developer', 'Partner', 'Consultant', 'Finance Director'],
)

COMP_WORDS = ['Nord', 'Süd', 'Alpen', 'Rhein', 'Atlas', 'Sierra', 'Iberia', 'Andes', 'Orion', 'Delta', 'Vega', 'Apex', 'Summit', 'Pioneer', 'Lotus', 'Ganga', 'Kaveri', 'Thames', 'Pennine', 'Kyoto', 'Hanil', 'Zenith', 'Nova', 'Polar', 'Aurora', 'Falcon', 'Phoenix', 'Saturn', 'Merkur', 'Helios']

HEADERS = ['Record ID', 'First Name', 'Last Name', 'Email', 'Phone Number', 'Mobile Phone Number', 'Company Name', 'Job Title', 'Street Address', 'City', 'Postal Code', 'Country/Region', 'Create Date', 'Last Modified Date', 'Lifecycle Stage', 'Lead Status', 'Contact owner', 'Marketing contact status', 'Original Source']


class Gen:
    def __init__(self, region, seed):
        self.rn = region
        self.r = R[region]
        self.rng = random.Random(seed)
        rng = self.rng
        self.companies = []
        self.used = set()
        for i in range(max(60, 400)):
            c = rng.choice(COMP_WORDS) + ' ' + rng.choice(self.r['comp']) + ' ' + rng.choice(self.r['legal'])
            self.companies.append(c)

    # ------------------------------------------------ base person
    def name(self, gender):
        rng, r = self.rng, self.r
        if r.get('cjk'):
            return None
        first = zipf_choice(rng, r['first_m'] if gender == 'm' else r['first_f'], 0.7)
        last = zipf_choice(rng, r['last'], 0.8)
        if r.get('compound') and rng.random() < 0.45 and not last.startswith(('de ', 'del ', "d'", 'Le ')) and last not in ('Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand'):
            # Spanish / LatAm double surname
            l2 = zipf_choice(rng, r['last'][:56], 0.8)
            if l2 != last:
                last = last + ' ' + l2
        if r.get('india') and rng.random() < 0.15:
            # South Indian: patronymic initial as last name field or single-name records
            pass
        return first, last

    def place(self, city=None):
        rng, r = self.rng, self.r
        c = city or rng.choice(r['cities'])
        cname, cc, area, pz, country = c
        num = rng.randint(1, 180)
        st = rng.choice(r['streets'])
        if self.rn == 'dach':
            plen = 5 if cc == '49' else 4
            pc = (pz + digits(rng, plen))[:plen]
            street = f'{st} {num}'
        elif self.rn == 'romance':
            pc = (pz + digits(rng, 5))[:5]
            street = f'{num} {st}' if country == 'France' else f'{st} {num}' + (f', {rng.randint(1,8)}º {rng.choice("ABCD")}' if country == 'Spain' and rng.random() < 0.5 else '')
            if country == 'Colombia':
                pc = (pz + digits(rng, 6))[:6]
        elif self.rn == 'cjk':
            if pz == 'JP':
                pc = f'{rng.randint(100, 699)}-{digits(rng, 4)}'
                street = f'{rng.randint(1,5)}-{rng.randint(1,30)}-{rng.randint(1,20)} {st}'
            elif pz == 'CN':
                pc = f'{rng.randint(10, 51)}{digits(rng, 4)}'
                street = f'No. {num} {st}'
            else:
                pc = f'0{rng.randint(1000, 9999)}' if cname == 'Seoul' else f'4{digits(rng, 4)}'
                street = f'{num} {st}'
        elif self.rn == 'india':
            pc = pz + digits(rng, 3)
            street = f'{num}, {st}'
        else:
            pc = f'{pz} {rng.randint(1,9)}{rng.choice("ABDEFGHJLNPQRSTUWXYZ")}{rng.choice("ABDEFGHJLNPQRSTUWXYZ")}'
            street = f'{num} {st}'
        return dict(street=street, city=cname, postcode=pc, country=country, cc=cc, area=area)

    def landline(self, pl):
        rng = self.rng
        cc, area = pl['cc'], pl['area']
        if cc in ('49', '43'):
            sub = str(rng.randint(2, 9)) + digits(rng, 9 - len(area) if len(area) < 3 else 6)
        elif cc == '41':
            sub = str(rng.randint(2, 9)) + digits(rng, 6)
        elif cc == '33':
            sub = digits(rng, 8)
        elif cc == '34':
            sub = digits(rng, 9 - len(area))
        elif cc == '52':
            sub = digits(rng, 10 - len(area))
        elif cc == '57':
            sub = str(rng.randint(2, 8)) + digits(rng, 6)
        elif cc == '81':
            sub = str(rng.randint(2, 9)) + digits(rng, 9 - len(area) - 1)
        elif cc == '86':
            sub = str(rng.randint(2, 8)) + digits(rng, 7 if len(area) == 2 else 6)
        elif cc == '82':
            sub = str(rng.randint(2, 9)) + digits(rng, 6 if len(area) == 1 else 6)
        elif cc == '91':
            sub = str(rng.randint(2, 6)) + digits(rng, 9 - len(area) - 1 + 1)[:10 - len(area) - 1]
        else:
            sub = str(rng.randint(2, 8)) + digits(rng, 10 - len(area) - 1)
        return Phone(cc, area, sub, '0' if cc not in ('34', '52', '57') else '')

    def mobile(self, pl):
        rng = self.rng
        cc = pl['cc']
        if cc in ('49',): return Phone(cc, rng.choice(['151', '160', '170', '176', '152']), digits(rng, 8), mobile=True)
        if cc == '43': return Phone(cc, rng.choice(['664', '660', '676']), digits(rng, 7), mobile=True)
        if cc == '41': return Phone(cc, rng.choice(['79', '78', '76']), digits(rng, 7), mobile=True)
        if cc == '33': return Phone(cc, rng.choice(['6', '7']), digits(rng, 8), mobile=True)
        if cc == '34': return Phone(cc, rng.choice(['6', '7']), digits(rng, 8), trunk='', mobile=True)
        if cc == '52': return Phone(cc, pl['area'], digits(rng, 10 - len(pl['area'])), trunk='', mobile=True)
        if cc == '57': return Phone(cc, '3' + digits(rng, 2), digits(rng, 7), trunk='', mobile=True)
        if cc == '81': return Phone(cc, rng.choice(['90', '80', '70']), digits(rng, 8), mobile=True)
        if cc == '86': return Phone(cc, rng.choice(['138', '139', '186', '150', '131']), digits(rng, 8), mobile=True)
        if cc == '82': return Phone(cc, '10', digits(rng, 8), mobile=True)
        if cc == '91': return Phone(cc, str(rng.choice([98, 97, 99, 94, 88, 70, 63])) + digits(rng, 3), digits(rng, 5), mobile=True)
        if cc == '44': return Phone(cc, '7' + digits(rng, 3), digits(rng, 6), mobile=True)

    def person(self, pid):
        rng, r = self.rng, self.r
        g = rng.choice('mf')
        p = dict(pid=pid, gender=g)
        if r.get('cjk'):
            pl = self.place()
            country = pl['country']
            sur, giv = {'Japan': (JP_SUR, JP_GIV), 'China': (CN_SUR, CN_GIV), 'South Korea': (KR_SUR, KR_GIV)}[country]
            s = zipf_choice(rng, sur, 1.0); gv = zipf_choice(rng, giv, 0.9)
            p['sur'], p['giv'] = s, gv
            p['last'], p['first'] = s[0][0], gv[0][0]
            p['native'] = (s[1], gv[1])
            p['lang'] = country
        else:
            p['first'], p['last'] = self.name(g)
            pl = self.place()
        p['place'] = pl
        p['phone'] = self.landline(pl) if rng.random() < 0.6 else None
        p['mobile'] = self.mobile(pl) if rng.random() < 0.75 else None
        p['company'] = rng.choice(self.companies) if rng.random() < 0.85 else ''
        p['title'] = rng.choice(r['titles']) if rng.random() < 0.7 else ''
        p['email'] = self.make_email(p)
        p['style'] = rng.randrange(6)
        p['native_pref'] = r.get('cjk') and rng.random() < 0.12
        p['famfirst'] = r.get('cjk') and rng.random() < 0.15
        return p

    def make_email(self, p, work=None):
        rng = self.rng
        f, l = email_local(p['first']).replace(' ', ''), email_local(p['last']).replace(' ', '')
        if self.r.get('compound') and ' ' in p['last'] and not p['last'].startswith(('de ', 'del ')):
            l = email_local(p['last'].split(' ')[0])
        l = l.replace(' ', '')
        pat = rng.random()
        if pat < 0.5: lp = f'{f}.{l}'
        elif pat < 0.7: lp = f'{f[0]}{l}'
        elif pat < 0.8: lp = f'{f}{l}{rng.randint(1, 99)}'
        elif pat < 0.9: lp = f'{l}.{f}'
        else: lp = f'{f}_{l}'
        if (work if work is not None else rng.random() < 0.5) and p.get('company'):
            dom = email_local(p['company'].split(' ')[0]) + '-' + email_local(p['company'].split(' ')[1])[:8] + '.' + {'dach': 'de', 'romance': 'es', 'cjk': 'com', 'india': 'in', 'uk': 'co.uk'}[self.rn]
        else:
            dom = rng.choice(self.r['domains'])
        e = f'{lp}@{dom}'
        while e in self.used:           # a mailbox belongs to one person
            e = f'{lp}{rng.randint(1, 999)}@{dom}'
        self.used.add(e)
        return e if rng.random() < 0.93 else ''

    # ------------------------------------------------ rendering a record
    def render(self, p, rid, tags=(), created=None):
        rng, r = self.rng, self.r
        first, last = p['first'], p['last']
        pl = dict(p['place'])
        email = p['email']
        ph, mo = p['phone'], p['mobile']
        company, title = p['company'], p['title']
        style = p['style']
        city, postcode, country = pl['city'], pl['postcode'], pl['country']
        street = pl['street']
        tags = set(tags)
        if r.get('cjk'):
            native = p['native_pref'] or 'native' in tags
            if native:
                last, first = p['native']
                if rng.random() < 0.3 and 'native' in tags:
                    # whole name in one field, family first, as typed in Asia
                    first, last = '', p['native'][0] + (' ' if p['lang'] == 'South Korea' else '') + p['native'][1]
            elif 'translit' in tags:
                vs, vg = p['sur'][0], p['giv'][0]
                # choose a different variant where there is one
                l2 = [v for v in vs if v != last]; f2 = [v for v in vg if v != first]
                if l2 and (not f2 or rng.random() < 0.5): last = rng.choice(l2)
                elif f2: first = rng.choice(f2)
            if (p['famfirst'] and 'order' not in tags) or (not p['famfirst'] and 'order' in tags):
                first, last = last, first
        if 'accent' in tags:
            if self.rn == 'dach':
                first, last = umlaut_ascii(first), umlaut_ascii(last)
            else:
                first, last = strip_accents(first), strip_accents(last)
        if 'dr' in tags:
            if rng.random() < 0.5: first = 'Dr. ' + first
            else: last = 'Dr. ' + last if rng.random() < 0.5 else last + ', Dr.'
        if 'compound' in tags and ' ' in last:
            parts = last.split(' ')
            if last.lower().startswith(('de ', 'del ')):
                last = rng.choice([parts[-1], last.title(), last.replace(' ', '')])
            else:
                last = parts[0]
        if 'initial' in tags and first:
            parts = first.replace('-', ' ').split(' ')
            first = ' '.join(x[0] + '.' for x in parts) if rng.random() < 0.7 else parts[0][0]
            if self.rn == 'india' and rng.random() < 0.4:
                # "R. Srinivasan" in one field
                first, last = '', f'{first} {last}'
        if 'typo_first' in tags and first: first = typo(rng, first)
        if 'typo_last' in tags and last: last = typo(rng, last)
        if 'case' in tags:
            first, last = first.upper(), last.upper()
        if 'email_new' in tags:
            email = self.make_email(p)
        if 'email_case' in tags and email:
            email = email[0].upper() + email[1:].replace('.', '.', 1)
            email = email.split('@')[0].title() + '@' + email.split('@')[1].upper()
        if 'email_missing' in tags: email = ''
        if 'phone_fmt' in tags:
            style = (style + rng.randint(1, 5)) % 6
        if 'phone_missing' in tags: ph = None
        if 'mobile_missing' in tags: mo = None
        if 'phone_swap' in tags: ph, mo = mo, ph
        if 'moved' in tags:
            np_ = self.place(next(c for c in r['cities'] if c[0] == pl['city']) if rng.random() < 0.5 else None)
            street, city, postcode, country = np_['street'], np_['city'], np_['postcode'], np_['country']
            ph = self.landline(np_) if ph else None
        if 'addr_missing' in tags:
            street = ''; postcode = '' if rng.random() < 0.5 else postcode
        if 'city_alias' in tags:
            al = r.get('city_alias', {}).get(city)
            if al: city = rng.choice(al)
            elif r.get('city_native'): city = r['city_native'].get(city, city)
        if 'street_var' in tags:
            street = street.replace('straße', 'str.') if 'straße' in street and rng.random() < 0.5 else umlaut_ascii(street) if 'ß' in street else street.replace('Road', 'Rd').replace('Street', 'St').replace('Avenida', 'Av.').replace('Calle ', 'C/ ')
        if 'postcode_fmt' in tags and postcode:
            if self.rn == 'uk': postcode = rng.choice([postcode.replace(' ', '').lower(), postcode.lower(), postcode.replace(' ', '')])
            elif self.rn == 'cjk' and '-' in postcode: postcode = postcode.replace('-', '')
            elif self.rn == 'cjk': postcode = postcode
            elif self.rn == 'india': postcode = postcode[:3] + ' ' + postcode[3:]
            elif self.rn == 'dach': postcode = {'Germany': 'D-', 'Austria': 'A-', 'Switzerland': 'CH-'}[country] + postcode
            elif self.rn == 'romance' and country == 'France': postcode = 'F-' + postcode
        if 'country_alias' in tags:
            country = rng.choice(r['country_alias'].get(country, [country]))
        if 'company_new' in tags:
            company = rng.choice(self.companies); title = rng.choice(r['titles'])
        if 'company_missing' in tags: company = ''
        if 'title_new' in tags: title = rng.choice(r['titles'])
        # CJK: phone styles of JP/KR are dashed; fine
        created = created or (2018 + rng.randint(0, 6), rng.randint(1, 12), rng.randint(1, 28))
        cd = f'{created[0]:04d}-{created[1]:02d}-{created[2]:02d} {rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}'
        md = f'{min(created[0] + rng.randint(0, 2), 2026):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}'
        return [str(rid), first, last, email, ph.fmt(style) if ph else '', mo.fmt(style) if mo else '', company, title, street, city, postcode, country, cd, md,
                rng.choice(['Lead', 'Subscriber', 'Marketing Qualified Lead', 'Customer', 'Opportunity', '']),
                rng.choice(['New', 'Open', 'In Progress', 'Attempted to Contact', '']),
                rng.choice(['', 'Anna Schmidt', 'José Pérez', '田中 太郎', 'Priya Nair', 'Oliver Smith']),
                rng.choice(['Marketing contact', 'Non-marketing contact']),
                rng.choice(['Offline Sources', 'Direct Traffic', 'Organic Search', 'Social Media', 'Referrals'])]

    def dup_tags(self):
        rng, rn = self.rng, self.rn
        t = []
        P = lambda x: rng.random() < x
        if P(0.12): t.append('typo_first')
        if P(0.12): t.append('typo_last')
        if rn in ('dach', 'romance', 'uk') and P(0.35): t.append('accent')
        if rn == 'dach' and P(0.15): t.append('dr')
        if rn == 'romance' and P(0.35): t.append('compound')
        if rn == 'cjk':
            if P(0.25): t.append('order')
            if P(0.25): t.append('translit')
            if P(0.15): t.append('native')
        if rn == 'india' and P(0.35): t.append('initial')
        if rn in ('dach', 'uk', 'romance') and P(0.04): t.append('initial')
        if P(0.05): t.append('case')
        e = rng.random()
        if e < 0.2: t.append('email_new')
        elif e < 0.38: t.append('email_missing')
        elif e < 0.45: t.append('email_case')
        if P(0.55): t.append('phone_fmt')
        if P(0.2): t.append('phone_missing')
        if P(0.2): t.append('mobile_missing')
        if P(0.04): t.append('phone_swap')
        if P(0.15): t.append('moved')
        elif P(0.1): t.append('addr_missing')
        if P(0.15): t.append('city_alias')
        if P(0.2): t.append('street_var')
        if P(0.35 if rn == 'uk' else 0.2): t.append('postcode_fmt')
        if P(0.15): t.append('country_alias')
        if P(0.12): t.append('company_new')
        elif P(0.12): t.append('company_missing')
        if P(0.2): t.append('title_new')
        return t

    def household_member(self, p, pid):
        rng = self.rng
        q = self.person(pid)
        q['place'] = p['place']
        q['phone'] = p['phone'] if rng.random() < 0.8 else q['phone']  # shared landline
        if self.r.get('cjk'):
            if p['lang'] != q['lang']:
                q['lang'] = p['lang']
                sur, giv = {'Japan': (JP_SUR, JP_GIV), 'China': (CN_SUR, CN_GIV), 'South Korea': (KR_SUR, KR_GIV)}[p['lang']]
                gv = rng.choice(giv); q['giv'] = gv; q['first'] = gv[0][0]
                q['sur'] = rng.choice(sur); q['last'] = q['sur'][0][0]
            if p['lang'] == 'Japan' or rng.random() < 0.3:   # JP families share the surname; CN/KR wives keep theirs
                q['sur'] = p['sur']; q['last'] = p['last']
            q['native'] = (q['sur'][1], q['giv'][1])
            if q['giv'] == p['giv']:
                return None
        else:
            q['last'] = p['last'] if rng.random() < 0.8 else q['last']
            if q['first'] == p['first']:
                return None
        q['email'] = self.make_email(q, work=False)
        if rng.random() < 0.15 and p['email']:
            q['email'] = p['email']      # shared family mailbox
        q['company'] = q['company'] if rng.random() < 0.8 else p['company']
        return q

    def namesake(self, p, pid):
        q = self.person(pid)
        for k in ('first', 'last', 'sur', 'giv', 'native', 'lang'):
            if k in p: q[k] = p[k]
        if self.rng.random() < 0.4:
            # same city too
            q['place'] = self.place(next(c for c in self.r['cities'] if c[0] == p['place']['city']))
        q['email'] = self.make_email(q)
        return q


def main():
    region, n, seed, out, truth = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    g = Gen(region, seed)
    rng = g.rng
    rows, tr = [], []
    pid = 0
    rid = 1000
    people = []
    while len(rows) < n:
        pid += 1
        p = g.person(pid)
        people.append(p)
        copies = 1
        x = rng.random()
        if x < 0.16: copies = 2
        elif x < 0.21: copies = 3
        elif x < 0.22: copies = 4
        rid += rng.randint(1, 40)
        rows.append(g.render(p, rid)); tr.append((rid, pid, 'orig', ''))
        for _ in range(copies - 1):
            t = g.dup_tags()
            rid += rng.randint(1, 40)
            rows.append(g.render(p, rid, t)); tr.append((rid, pid, 'dup', ';'.join(t)))
        if rng.random() < 0.07:
            pid += 1
            q = g.household_member(p, pid)
            if q:
                rid += rng.randint(1, 40)
                rows.append(g.render(q, rid)); tr.append((rid, pid, 'household', f'of={p["pid"]}'))
        if rng.random() < 0.03:
            pid += 1
            q = g.namesake(p, pid)
            rid += rng.randint(1, 40)
            rows.append(g.render(q, rid)); tr.append((rid, pid, 'namesake', f'of={p["pid"]}'))
    rows = rows[:n]; tr = tr[:n]
    # shuffle order as an export sorted by last modified would be
    idx = list(range(len(rows)))
    rng.shuffle(idx)
    with open(out, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        for i in idx: w.writerow(rows[i])
    with open(truth, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(['record_id', 'person_id', 'role', 'tags'])
        for t in tr: w.writerow(t)

if __name__ == '__main__':
    main()
