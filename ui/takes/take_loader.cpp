#include "takes/take_loader.h"

#include "io/audio_file.h"

#include <exception>

namespace footfall::ui {

TakeLoader::TakeLoader(QObject* parent) : QObject(parent) {
    qRegisterMetaType<SharedTakeView>();
    m_pool.setMaxThreadCount(1); // one disk read at a time; the newest request matters most
    m_pool.setObjectName(QStringLiteral("footfall-take-loader"));
}

TakeLoader::~TakeLoader() {
    m_pool.clear();
    m_pool.waitForDone();
}

void TakeLoader::request(const QString& path, const nlohmann::json& metadata) {
    if (path.isEmpty() || m_inFlight.contains(path))
        return;
    m_inFlight.insert(path);
    // `this` outlives the task: the destructor waits for the pool.
    m_pool.start([this, path, metadata] {
        SharedTakeView analysis;
        QString error;
        try {
            analysis = prepareTakeView(
                std::make_shared<const AudioBuffer>(readAudioFile(path.toStdString())),
                recordedAnalysis(metadata));
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, path, analysis, error] { deliver(path, analysis, error); },
            Qt::QueuedConnection);
    });
}

void TakeLoader::deliver(const QString& path, SharedTakeView analysis, const QString& error) {
    m_inFlight.remove(path);
    Q_EMIT loaded(path, std::move(analysis), error);
}

} // namespace footfall::ui
