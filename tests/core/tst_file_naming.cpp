// File names: the timestamp_prompt form, UCS templates and the UCS list, collisions, and the
// ASCII transliteration that file names and bext use.
#include "base/errors.h"
#include "io/file_naming.h"
#include "io/transliterate.h"
#include "io/ucs.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <set>
#include <tuple>

using namespace footfall;

class TestFileNaming : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sanitizeKeepsLowercaseAsciiDigitsUnderscore() {
        QCOMPARE(QString::fromStdString(sanitizePrompt("Heavy Boots on WET marble!")),
                 QString("heavy_boots_on_wet_marble"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("2 steps/s, café")),
                 QString("2_steps_s_cafe"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("Schritte auf Kies, ängstlich")),
                 QString("schritte_auf_kies_aengstlich"));
    }
    void sanitizeNeverEscapesTheFolder() {
        for (const char* evil : {"../../x", "/etc/passwd", "..", "a/../../b", "\\..\\x"}) {
            const QString s = QString::fromStdString(sanitizePrompt(evil));
            QVERIFY(!s.contains('/'));
            QVERIFY(!s.contains('\\'));
            QVERIFY(!s.contains(".."));
            QVERIFY(!s.isEmpty());
        }
        QCOMPARE(QString::fromStdString(sanitizePrompt("../../x")), QString("x"));
    }
    void sanitizeNeverEmptyAndBounded() {
        QCOMPARE(QString::fromStdString(sanitizePrompt("")), QString("untitled"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("!!! ???")), QString("untitled"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("日本語")), QString("untitled"));
        const std::string longPrompt(500, 'a');
        QCOMPARE(sanitizePrompt(longPrompt).size(), kMaxPromptStemLength);
        QVERIFY(sanitizePrompt(std::string(59, 'a') + " bcd").back() != '_');
        // Found by fuzz_naming: the "untitled" stand-in ignored a maxLength below 8.
        QCOMPARE(QString::fromStdString(sanitizePrompt("", 5)), QString("untit"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("?", 1)), QString("u"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("", 0)), QString("u")); // never empty
    }
    void timestampedNameHasTheSeedsForm() {
        const QString name = QString::fromStdString(
            timestampedFileName("heels on marble", std::chrono::system_clock::now(), "wav"));
        QVERIFY2(QRegularExpression("^\\d{8}_\\d{6}_heels_on_marble\\.wav$").match(name).hasMatch(),
                 qPrintable(name));
    }
    void ucsTemplate() {
        UcsFields f{ucsFxName("heavy boots on wet marble"), "JD", "Footfall"};
        QVERIFY(ucsFxName(std::string(100, 'x')).size() <= kUcsFxNameLength);
        const QString name =
            QString::fromStdString(ucsFileName("FEETHmn_<FXName>_<Creator>_<Source>", f, "wav"));
        QCOMPARE(name, QString("FEETHmn_HeavyBootsOnWetMarble_JD_Footfall.wav"));
        QVERIFY(ucsFxName(std::string(100, 'x')).size() <= 25);
        // Fields cannot smuggle separators or paths.
        UcsFields evil{"../x", "a/b", "c_d"};
        const QString n2 =
            QString::fromStdString(ucsFileName("FEETHmn_<FXName>_<Creator>_<Source>", evil, "wav"));
        QCOMPARE(n2, QString("FEETHmn_x_ab_cd.wav"));
    }
    void transliterationToAscii() {
        const auto ascii = [](const char* s) {
            return QString::fromStdString(transliterateToAscii(s));
        };
        QCOMPARE(ascii("Schritte auf Kies, ängstlich"), QString("Schritte auf Kies, aengstlich"));
        QCOMPARE(ascii("ÄÖÜ äöü ß ẞ"), QString("AeOeUe aeoeue ss SS"));
        QCOMPARE(ascii("é è ê ë ñ ç å ø æ œ Æ Œ Þ ð ÿ"),
                 QString("e e e e n c a o ae oe AE OE Th d y"));
        QCOMPARE(ascii("Łódź Škoda İstanbul Ğ ő ű Ș ț"), QString("Lodz Skoda Istanbul G o u S t"));
        QCOMPARE(ascii("„Schritte“ ‚leise‘ – laut — fern… «nah»"),
                 QString("\"Schritte\" 'leise' - laut - fern... \"nah\""));
        QCOMPARE(ascii("a\u00a0b\u2009c\u200bd"), QString("a b cd")); // nbsp, thin, zero-width
        QCOMPARE(ascii("u\xcc\x88 U\xcc\x88"), QString("ue Ue"));     // decomposed: u + U+0308
        QCOMPARE(ascii("e\xcc\x81"), QString("e"));                   // e + combining acute
        QCOMPARE(ascii("日本語 steps"), QString(" steps"));           // other scripts: dropped
        QCOMPARE(ascii("a\tb\nc"), QString("a b c"));                 // controls: a space
        QCOMPARE(ascii("bad \xff\xc3 utf8 \xe2\x80"), QString("bad  utf8 ")); // invalid: dropped
        const std::string plain = "plain ASCII, kept: ~!@#$%^&*()_+{}|:<>?";
        QCOMPARE(transliterateToAscii(plain), plain);
    }
    void ucsFxNameIsCutAtAWordBoundary() {
        QCOMPARE(QString::fromStdString(ucsFxName("Schritte auf Kies, ängstlich")),
                 QString("SchritteAufKiesAengstlich")); // exactly 25
        QCOMPARE(QString::fromStdString(ucsFxName("heavy boots on wet marbles, slowly")),
                 QString("HeavyBootsOnWetMarbles"));
        QCOMPARE(QString::fromStdString(ucsFxName(std::string(40, 'x'))),
                 QString("X") + QString(24, 'x')); // one long word: cut
        QCOMPARE(QString::fromStdString(ucsFxName("日本語")), QString("Untitled"));
        QVERIFY(ucsFxName("a-b_c d").find_first_of("-_ ") == std::string::npos);
    }
    void ucsDefaultsAndCollisionCounter() {
        const std::string templ = "FEETHmn_<FXName>_<Creator>_<Source>";
        QCOMPARE(QString::fromStdString(ucsFileName(templ, {"Gravel", "", ""}, "wav")),
                 QString("FEETHmn_Gravel_FF_FOOTFALL.wav"));
        QCOMPARE(QString::fromStdString(ucsFileName(templ, {"Gravel", "JD", "LIB"}, "wav", 3)),
                 QString("FEETHmn_Gravel03_JD_LIB.wav"));
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        QStringList names;
        for (int i = 0; i < 3; ++i) {
            const std::string p = uniqueUcsPath(folder, templ, {"Gravel", "", ""}, "wav");
            std::ofstream(p) << "x";
            names << QFileInfo(QString::fromStdString(p)).fileName();
        }
        // The counter is part of the FXName: UCS tools read no UserData block, and the
        // CreatorID and SourceID stay what they are.
        QCOMPARE(names,
                 QStringList({"FEETHmn_Gravel_FF_FOOTFALL.wav", "FEETHmn_Gravel02_FF_FOOTFALL.wav",
                              "FEETHmn_Gravel03_FF_FOOTFALL.wav"}));
        const UcsFileName third = splitUcsFileName("FEETHmn_Gravel03_FF_FOOTFALL");
        QCOMPARE(QString::fromStdString(third.fxName), QString("Gravel03"));
        QCOMPARE(QString::fromStdString(third.sourceId), QString("FOOTFALL"));
        QVERIFY(third.userData.empty());
        // A template without an FXName falls back to the plain suffix rather than loop.
        std::ofstream(folder + "/FEETHmn_Fixed.wav") << "x";
        QCOMPARE(QString::fromStdString(uniqueUcsPath(folder, "FEETHmn_Fixed", {}, "wav")),
                 dir.path() + "/FEETHmn_Fixed_2.wav");
    }
    void ucsTemplateCatId() {
        QCOMPARE(QString::fromStdString(
                     footfall::ucsTemplateCatId("FEETHmn_<FXName>_<Creator>_<Source>")),
                 QString("FEETHmn"));
        QCOMPARE(QString::fromStdString(footfall::ucsTemplateCatId("FOLYFeet-INT_<FXName>")),
                 QString("FOLYFeet"));
    }
    void ucsListIsTheOfficialOne() {
        const auto& list = ucsCategoryList();
        QVERIFY2(list.size() > 700, qPrintable(QString::number(list.size()))); // v8.2.1: 753
        std::set<std::string> ids;
        for (const auto& c : list) {
            QVERIFY(!c.category.empty() && !c.subCategory.empty() && !c.catShort.empty());
            QVERIFY2(ids.insert(c.catId).second, c.catId.c_str());
        }
        // The footstep tool's own categories, with the official values.
        for (const auto& [id, category, sub] :
             std::vector<std::tuple<const char*, const char*, const char*>>{
                 {"FEETAnml", "FOOTSTEPS", "ANIMAL"},
                 {"FEETCrea", "FOOTSTEPS", "CREATURE"},
                 {"FEETHors", "FOOTSTEPS", "HORSE"},
                 {"FEETHmn", "FOOTSTEPS", "HUMAN"},
                 {"FEETMisc", "FOOTSTEPS", "MISC"},
                 {"FOLYFeet", "FOLEY", "FEET"},
                 {"DOORWood", "DOORS", "WOOD"}}) {
            const UcsCategory* c = findUcsCategory(id);
            QVERIFY2(c, id);
            QCOMPARE(QString::fromStdString(c->category), QString(category));
            QCOMPARE(QString::fromStdString(c->subCategory), QString(sub));
        }
        QVERIFY(!findUcsCategory("feethmn")); // case-sensitive
    }
    void unknownCatIdIsRefusedWithCloseMatches() {
        try {
            requireUcsCategory("FEETBoot");
            QFAIL("FEETBoot is not a UCS CatID");
        } catch (const GenerationError& e) {
            const QString m = e.what();
            QVERIFY2(m.contains("\"FEETBoot\"") && m.contains("FEETHmn") && m.contains("FEETHors"),
                     e.what());
        }
        QCOMPARE(QString::fromStdString(similarUcsCatIds("feethmn").front()), QString("FEETHmn"));
        QCOMPARE(QString::fromStdString(similarUcsCatIds("FOLYFet").front()), QString("FOLYFeet"));
        QCOMPARE(&requireUcsCategory("FEETHmn"), findUcsCategory("FEETHmn"));
    }
    void ucsNameIsSplitAsUcsToolsDo() {
        const UcsFileName n =
            splitUcsFileName("GUNAuto-EXT_UZI 9mm-Rapid Fire_TN_NONE_416-MKH8040_DualMono");
        QCOMPARE(QString::fromStdString(n.catId), QString("GUNAuto"));
        QCOMPARE(QString::fromStdString(n.userCategory), QString("EXT"));
        QCOMPARE(QString::fromStdString(n.vendorCategory), QString("UZI 9mm"));
        QCOMPARE(QString::fromStdString(n.fxName), QString("Rapid Fire"));
        QCOMPARE(QString::fromStdString(n.creatorId), QString("TN"));
        QCOMPARE(QString::fromStdString(n.sourceId), QString("NONE"));
        QCOMPARE(QString::fromStdString(n.userData), QString("416-MKH8040_DualMono"));
        const nlohmann::json r = ucsRecord(splitUcsFileName("FEETHmn_Gravel_FF_FOOTFALL"));
        QCOMPARE(r["cat_id"], nlohmann::json("FEETHmn"));
        QCOMPARE(r["category"], nlohmann::json("FOOTSTEPS"));
        QCOMPARE(r["subcategory"], nlohmann::json("HUMAN"));
        QCOMPARE(r["category_full"], nlohmann::json("FOOTSTEPS-HUMAN"));
        QCOMPARE(r["fx_name"], nlohmann::json("Gravel"));
        QCOMPARE(r["creator_id"], nlohmann::json("FF"));
        QCOMPARE(r["source_id"], nlohmann::json("FOOTFALL"));
    }
    void collisionsGetASuffixNeverAnOverwrite() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const std::string first = uniquePath(folder, "take.wav");
        QCOMPARE(QString::fromStdString(first), dir.path() + "/take.wav");
        std::ofstream(first) << "x";
        const std::string second = uniquePath(folder, "take.wav");
        QCOMPARE(QString::fromStdString(second), dir.path() + "/take_2.wav");
        std::ofstream(second) << "x";
        QCOMPARE(QString::fromStdString(uniquePath(folder, "take.wav")),
                 dir.path() + "/take_3.wav");
    }
};

QTEST_APPLESS_MAIN(TestFileNaming)
#include "tst_file_naming.moc"
