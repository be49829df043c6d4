// The app with a long take list: 2000 takes (copies of one procedural take, each with its own
// sidecar) in takes.json. Measures what a user waits for and feels:
//   - start-up: constructing the main window (which reads and checks the list) until the first
//     frame is painted, and the longest the event loop was away in that time;
//   - scrolling: the list scrolled from top to bottom a row-step at a time and back by pages,
//     each step painted; median, 95th percentile and worst milliseconds per step.
// Runs offscreen unless QT_QPA_PLATFORM says otherwise. Medians of --runs (default 3) for
// start-up.
//
//   bench_gui_soak [--takes N] [--runs N]
#include "app/main_window.h"
#include "engines/engine_factory.h"
#include "generation/take_generation.h"
#include "takes/take_list_model.h"
#include "takes/take_store.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

using namespace footfall;
using namespace footfall::ui;

namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size() - 1) + 0.5))];
}

// One procedural take, copied `count` times with a sidecar each, saved as the take list.
QString makeLibrary(const QString& dir, int count) {
    GenerationRequest r;
    r.prompt = "boots on gravel";
    r.durationSeconds = 2.0;
    r.seed = 1;
    OutputOptions out;
    out.folder = (dir + "/source").toStdString();
    auto engine = createEngine(r.engine);
    const Take source = generateTakes(*engine, r, out, {}, nullptr).front();
    const char* surfaces[] = {"gravel", "wood", "snow", "marble", "grass"};
    QVector<TakeRecord> records;
    QDir().mkpath(dir + "/library");
    for (int i = 0; i < count; ++i) {
        const QString stem = QStringLiteral("take_%1").arg(i, 5, 10, QLatin1Char('0'));
        TakeRecord t;
        t.audioPath = dir + "/library/" + stem + ".wav";
        t.sidecarPath = dir + "/library/" + stem + ".json";
        QFile::copy(QString::fromStdString(source.audioPath), t.audioPath);
        t.metadata = source.metadata;
        t.metadata["output_path"] = t.audioPath.toStdString();
        t.metadata["prompt"] = std::string("boots on ") + surfaces[i % 5];
        t.metadata["seed"] = 1000 + i;
        std::ofstream(t.sidecarPath.toStdString()) << t.metadata.dump(1);
        t.rating = i % 6;
        t.favourite = i % 7 == 0;
        t.created = QDateTime::currentDateTime().addSecs(-i);
        records.push_back(t);
    }
    const QString list = dir + "/takes.json";
    TakeStore(list).save(records);
    return list;
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("FootfallBench"));
    QApplication::setApplicationName(QStringLiteral("bench_gui_soak"));
    int takes = 2000, runs = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (qstrcmp(argv[i], "--takes") == 0)
            takes = std::max(1, std::atoi(argv[i + 1]));
        else if (qstrcmp(argv[i], "--runs") == 0)
            runs = std::max(1, std::atoi(argv[i + 1]));
    }
    QTemporaryDir dir;
    const QString list = makeLibrary(dir.path(), takes);

    std::vector<double> startups, gaps;
    std::vector<double> steps; // ms per painted scroll step, every run
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer clock;
        clock.start();
        MainWindow w{TakeStore(list)};
        w.setAutoPlay(false);
        w.resize(1280, 720);
        w.show();
        auto* view = w.findChild<QAbstractItemView*>(QStringLiteral("takeList"));
        view->viewport()->repaint();
        const double startup = double(clock.nsecsElapsed()) / 1e6;
        if (w.takeModel()->rowCount() != takes) {
            std::fprintf(stderr, "the list shows %d takes, not %d\n", w.takeModel()->rowCount(),
                         takes);
            return 1;
        }
        // The event loop's first turn after start-up (deferred work queued by the window).
        QElapsedTimer turn;
        turn.start();
        QApplication::processEvents();
        gaps.push_back(double(turn.nsecsElapsed()) / 1e6);
        startups.push_back(startup);

        QScrollBar* bar = view->verticalScrollBar();
        const auto step = [&](int value) {
            QElapsedTimer t;
            t.start();
            bar->setValue(value);
            view->viewport()->repaint();
            QApplication::processEvents();
            steps.push_back(double(t.nsecsElapsed()) / 1e6);
        };
        for (int v = 0; v <= bar->maximum(); v += std::max(1, bar->singleStep() * 3))
            step(v);
        for (int v = bar->maximum(); v >= 0; v -= std::max(1, bar->pageStep()))
            step(v);
    }
    std::printf("%d takes in the list, %d start-ups, %zu painted scroll steps\n", takes, runs,
                steps.size());
    std::printf("start-up to first painted list: median %.0f ms (best %.0f, worst %.0f); first "
                "event-loop turn %.0f ms\n",
                percentile(startups, 0.5), percentile(startups, 0.0), percentile(startups, 1.0),
                percentile(gaps, 0.5));
    std::printf("scroll step (scroll + paint): median %.2f ms, 95th percentile %.2f ms, worst "
                "%.2f ms\n",
                percentile(steps, 0.5), percentile(steps, 0.95), percentile(steps, 1.0));
    return 0;
}
