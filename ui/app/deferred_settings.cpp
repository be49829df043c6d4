#include "app/deferred_settings.h"

#include <QMutex>
#include <QMutexLocker>
#include <QSettings>
#include <QThread>
#include <QThreadPool>

#include <atomic>

namespace footfall::ui {

namespace {

// One thread, so that changes land in the order they were made.
QThreadPool& writerPool() {
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool; // lives to the end of the process (flushed by the app)
        p->setMaxThreadCount(1);
        return p;
    }();
    return *pool;
}

std::atomic<QThread*> g_lastWriteThread{nullptr};

} // namespace

DeferredSettings::~DeferredSettings() {
    if (m_changes.isEmpty())
        return;
    QList<Change> changes = std::move(m_changes);
    writerPool().start([changes = std::move(changes)] {
        QSettings s;
        for (const Change& c : changes) {
            if (c.value.isValid())
                s.setValue(c.key, c.value);
            else
                s.remove(c.key);
        }
        s.sync();
        g_lastWriteThread = QThread::currentThread();
    });
}

QString DeferredSettings::fullKey(const QString& key) const {
    QStringList parts = m_groups;
    if (!m_array.isEmpty()) {
        parts << m_array;
        if (m_index >= 0)
            parts << QString::number(m_index + 1);
    }
    parts << key;
    return parts.join(QLatin1Char('/'));
}

void DeferredSettings::beginGroup(const QString& prefix) {
    m_groups << prefix;
}

void DeferredSettings::endGroup() {
    if (!m_groups.isEmpty())
        m_groups.removeLast();
}

void DeferredSettings::setValue(const QString& key, const QVariant& value) {
    // An invalid QVariant means "remove" here; QSettings stores it as an empty value.
    m_changes.append({fullKey(key), value.isValid() ? value : QVariant(QString())});
}

void DeferredSettings::remove(const QString& key) {
    m_changes.append({fullKey(key), QVariant()});
}

void DeferredSettings::beginWriteArray(const QString& name, int size) {
    m_changes.append({fullKey(name + QStringLiteral("/size")), size});
    m_array = name;
    m_index = -1;
}

void DeferredSettings::setArrayIndex(int index) {
    m_index = index;
}

void DeferredSettings::endArray() {
    m_array.clear();
    m_index = -1;
}

void flushSettingsWrites() {
    writerPool().waitForDone();
}

QThread* lastSettingsWriteThread() {
    return g_lastWriteThread.load();
}

} // namespace footfall::ui
