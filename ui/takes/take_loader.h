// Reads takes back from disk and prepares their views (TakeViewData) on a private thread pool,
// so that selecting a take that is not in memory never blocks the GUI thread. Results come back
// as a queued signal on the loader's thread.
#pragma once

#include "takes/take_view_data.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>

namespace footfall::ui {

class TakeLoader : public QObject {
    Q_OBJECT
public:
    explicit TakeLoader(QObject* parent = nullptr);
    ~TakeLoader() override; // drops queued reads, waits for the running one

    // Starts reading `path` unless a read of it is already under way. `metadata` is the take's
    // (as its sidecar holds it): the analysis it records is used, else the audio is analysed.
    void request(const QString& path, const nlohmann::json& metadata = nlohmann::json());
    bool isLoading(const QString& path) const { return m_inFlight.contains(path); }
    int pending() const { return static_cast<int>(m_inFlight.size()); }

Q_SIGNALS:
    // `analysis` is null when the file cannot be read; `error` says why.
    void loaded(const QString& path, footfall::ui::SharedTakeView analysis, const QString& error);

private:
    void deliver(const QString& path, SharedTakeView analysis, const QString& error);

    QThreadPool m_pool;
    QSet<QString> m_inFlight;
};

} // namespace footfall::ui
