<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>GenerationWorker</name>
    <message>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Take %1/%2 · %3</source>
        <translation>テイク %1/%2 · %3</translation>
    </message>
    <message>
        <source>Took %1</source>
        <translation>所要時間 %1</translation>
    </message>
    <message>
        <source>%1 elapsed · %2 left</source>
        <translation>経過 %1 · 残り %2</translation>
    </message>
    <message>
        <source>%1 elapsed</source>
        <translation>経過 %1</translation>
    </message>
    <message>
        <source>Take %1/%2: %3 elapsed</source>
        <translation>テイク %1/%2: 経過 %3</translation>
    </message>
    <message>
        <source>This take: %1 left</source>
        <translation>このテイク: 残り %1</translation>
    </message>
    <message>
        <source>No ETA until a sampler step has been measured</source>
        <translation>サンプラーのステップを計測するまで残り時間は表示されません</translation>
    </message>
    <message>
        <source>No ETA for decoding and saving until a take has been through them</source>
        <translation>デコードと保存の残り時間は、最初のテイクがそれを終えるまで表示されません</translation>
    </message>
    <message>
        <source>Sampler: %1</source>
        <translation>サンプラー: %1</translation>
    </message>
    <message>
        <source>Takes %1–%2/%3 · %4</source>
        <translation>テイク %1–%2/%3 · %4</translation>
    </message>
</context>
<context>
    <name>TakeStore</name>
    <message>
        <source>The take list could not be read; it was kept as %1 and a new list is started.</source>
        <translation>テイクリストを読み込めませんでした。%1 として保存し、新しいリストを開始します。</translation>
    </message>
    <message>
        <source>The take list %1 could not be read.</source>
        <translation>テイクリスト %1 を読み込めませんでした。</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) left the list: their files are gone.</source>
        <translation>
            <numerusform>%n 件のテイクをリストから外しました（ファイルが見つかりません）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>footfall::ui::CorrelationMeterWidget</name>
    <message>
        <source>Correlation (live)</source>
        <translation>相関（リアルタイム）</translation>
    </message>
    <message>
        <source>Correlation (take)</source>
        <translation>相関（テイク）</translation>
    </message>
</context>
<context>
    <name>footfall::ui::ExportDialog</name>
    <message>
        <source>Export take</source>
        <translation>テイクを書き出し</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>書き出し先フォルダー</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>Date, time and prompt</source>
        <translation>日付・時刻・プロンプト</translation>
    </message>
    <message>
        <source>UCS template</source>
        <translation>UCS テンプレート</translation>
    </message>
    <message>
        <source>Naming</source>
        <translation>ファイル名</translation>
    </message>
    <message>
        <source>&amp;Template</source>
        <translation>テンプレート(&amp;T)</translation>
    </message>
    <message>
        <source>your initials</source>
        <translation>イニシャル</translation>
    </message>
    <message>
        <source>project / library</source>
        <translation>プロジェクト/ライブラリ</translation>
    </message>
    <message>
        <source>Creator / source</source>
        <translation>作成者 / ソース</translation>
    </message>
    <message>
        <source>F&amp;ormat</source>
        <translation>フォーマット(&amp;O)</translation>
    </message>
    <message>
        <source>Processing (the take in the library is never changed)</source>
        <translation>処理（ライブラリ内のテイクは変更されません）</translation>
    </message>
    <message>
        <source>None</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Peak (dBFS)</source>
        <translation>ピーク (dBFS)</translation>
    </message>
    <message>
        <source>Loudness (LUFS)</source>
        <translation>ラウドネス (LUFS)</translation>
    </message>
    <message>
        <source> dBFS</source>
        <translation> dBFS</translation>
    </message>
    <message>
        <source> LUFS</source>
        <translation> LUFS</translation>
    </message>
    <message>
        <source>Normalise</source>
        <translation>ノーマライズ</translation>
    </message>
    <message>
        <source>Trim silence below</source>
        <translation>無音をトリム（しきい値）</translation>
    </message>
    <message>
        <source> dB re peak</source>
        <translation> dB（ピーク基準）</translation>
    </message>
    <message>
        <source>Trim</source>
        <translation>トリム</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>in</source>
        <translation>イン</translation>
    </message>
    <message>
        <source>out</source>
        <translation>アウト</translation>
    </message>
    <message>
        <source>Fades</source>
        <translation>フェード</translation>
    </message>
    <message>
        <source>Export the selection only</source>
        <translation>選択範囲のみ書き出し</translation>
    </message>
    <message>
        <source>Slice the walk into single steps (numbered files)</source>
        <translation>歩行を1歩ずつに分割（連番ファイル）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <source>Take: %1</source>
        <translation>テイク: %1</translation>
    </message>
    <message>
        <source>
Selection: %1 – %2 s</source>
        <translation>
選択範囲: %1 – %2 秒</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GenerationPanel</name>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter). While a run is going, this queues the prompt.</source>
        <translation>生成（Ctrl+Enter）。生成中はプロンプトをキューに追加します。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Stop the run within one step and drop the queue (Ctrl+.)</source>
        <translation>1ステップ以内に生成を止め、キューを空にします（Ctrl+.）</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>ドラフト</translation>
    </message>
    <message>
        <source>Draft: generate quickly with %1 steps and a fast sampler, the same seed and every other setting. Take ▸ Render final renders a chosen draft at full quality.</source>
        <translation>ドラフト: %1 ステップと高速なサンプラーで素早く生成します（シードとその他の設定は同じ）。選んだドラフトは「テイク ▸ 本番レンダリング」でフル品質にできます。</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <source>e.g. heavy boots walking on wet gravel</source>
        <translation>例: heavy boots walking on wet gravel</translation>
    </message>
    <message>
        <source>The prompt; the list holds your recent prompts</source>
        <translation>プロンプト。一覧には最近のプロンプトが入っています</translation>
    </message>
    <message>
        <source>Negative prompt (what to avoid)</source>
        <translation>ネガティブプロンプト（避けたい要素）</translation>
    </message>
    <message>
        <source>Prompt builder</source>
        <translation>プロンプトビルダー</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Takes</source>
        <translation>テイク数</translation>
    </message>
    <message>
        <source>&amp;Duration</source>
        <translation>長さ(&amp;D)</translation>
    </message>
    <message>
        <source>CFG</source>
        <translation>CFG</translation>
    </message>
    <message>
        <source>&amp;Steps</source>
        <translation>ステップ数(&amp;S)</translation>
    </message>
    <message>
        <source>engine default</source>
        <translation>エンジンの既定値</translation>
    </message>
    <message>
        <source>Sa&amp;mpler</source>
        <translation>サンプラー(&amp;M)</translation>
    </message>
    <message>
        <source>random</source>
        <translation>ランダム</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>Locked: every run uses this seed. Unlocked: a new random seed per run; the field shows the seed last used.</source>
        <translation>固定: 毎回このシードを使います。固定しない場合: 生成ごとに新しいランダムシードを使い、欄には最後に使ったシードが表示されます。</translation>
    </message>
    <message>
        <source>New random seed (locks it)</source>
        <translation>新しいランダムシード（固定されます）</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>シード(&amp;E)</translation>
    </message>
    <message>
        <source>Engine and output</source>
        <translation>エンジンと出力</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>auto: Stable Audio Open when a model folder is set, else procedural</source>
        <translation>自動: モデルフォルダーが設定されていれば Stable Audio Open、なければプロシージャル</translation>
    </message>
    <message>
        <source>procedural</source>
        <translation>プロシージャル</translation>
    </message>
    <message>
        <source>Stable Audio Open</source>
        <translation>Stable Audio Open</translation>
    </message>
    <message>
        <source>Device for the model (auto, cpu or cuda)</source>
        <translation>モデルを実行するデバイス（auto、cpu、cuda）</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>エンジン</translation>
    </message>
    <message>
        <source>Choose a stable-audio-open model folder</source>
        <translation>stable-audio-open のモデルフォルダーを選択</translation>
    </message>
    <message>
        <source>none: procedural engine</source>
        <translation>なし: プロシージャルエンジン</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>LoRAs</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Choose the folder for new takes</source>
        <translation>新しいテイクの保存先フォルダーを選択</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>出力</translation>
    </message>
    <message>
        <source>Advanced (Stable Audio Open)</source>
        <translation>詳細設定（Stable Audio Open）</translation>
    </message>
    <message>
        <source>auto (by hardware)</source>
        <translation>自動（ハードウェアに応じて）</translation>
    </message>
    <message>
        <source>bf16 weights, fp32 compute</source>
        <translation>重み bf16・演算 fp32</translation>
    </message>
    <message>
        <source>auto: on a CPU with bf16 matrix units (AMX-BF16, AVX512-BF16) the diffusion model&apos;s linear layers run in bf16, about twice as fast; elsewhere fp32. bf16 forces that path; fp16 and bf16-storage halve the weights&apos; memory. On CUDA: the compute precision. The take records what ran and why.</source>
        <translation>自動: bf16 行列演算ユニット（AMX-BF16、AVX512-BF16）を持つ CPU では拡散モデルの線形層を bf16 で実行し、約2倍高速になります。それ以外では fp32。bf16 はこの経路を強制し、fp16 と bf16-storage は重みのメモリを半分にします。CUDA では演算精度を指定します。実際に使った精度とその理由はテイクに記録されます。</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Low memory</source>
        <translation>省メモリ</translation>
    </message>
    <message>
        <source>Keep only the stage that runs on the device (slower, less VRAM)</source>
        <translation>実行中の段階だけをデバイスに置きます（遅くなりますが VRAM を節約）</translation>
    </message>
    <message>
        <source>Full window</source>
        <translation>ウィンドウ全体</translation>
    </message>
    <message>
        <source>Sample the model&apos;s whole window, then trim to the duration (as the reference UI)</source>
        <translation>モデルのウィンドウ全体を生成してから長さに合わせてトリムします（リファレンス UI と同じ）</translation>
    </message>
    <message>
        <source>Choose a t5-base folder (config.json, model.safetensors, spiece.model)</source>
        <translation>t5-base フォルダーを選択（config.json、model.safetensors、spiece.model）</translation>
    </message>
    <message>
        <source>inside the model folder</source>
        <translation>モデルフォルダー内</translation>
    </message>
    <message>
        <source>T5</source>
        <translation>T5</translation>
    </message>
    <message>
        <source>Queue and recent runs</source>
        <translation>キューと最近の生成</translation>
    </message>
    <message>
        <source>Prompts waiting their turn (Delete removes the selected one)</source>
        <translation>順番待ちのプロンプト（Delete で選択中のものを削除）</translation>
    </message>
    <message>
        <source>Remove from queue</source>
        <translation>キューから削除</translation>
    </message>
    <message>
        <source>Finished, cancelled and failed runs, newest first</source>
        <translation>完了・キャンセル・失敗した生成（新しい順）</translation>
    </message>
    <message>
        <source>No runs yet</source>
        <translation>まだ生成していません</translation>
    </message>
    <message>
        <source>Cannot recall this take: %1</source>
        <translation>このテイクの設定を呼び出せません: %1</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キューに追加</translation>
    </message>
    <message>
        <source>1 prompt waiting</source>
        <translation>待機中のプロンプト 1 件</translation>
    </message>
    <message numerus="yes">
        <source>%n prompts waiting</source>
        <translation>
            <numerusform>待機中のプロンプト %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Vary from audio</source>
        <translation>音声からバリエーション</translation>
    </message>
    <message>
        <source>none: drop a WAV or FLAC on the window</source>
        <translation>なし: WAV か FLAC をウィンドウにドロップ</translation>
    </message>
    <message>
        <source>Choose a WAV or FLAC file to vary</source>
        <translation>バリエーションの元にする WAV または FLAC ファイルを選択</translation>
    </message>
    <message>
        <source>Choose audio to vary</source>
        <translation>元にする音声を選択</translation>
    </message>
    <message>
        <source>Audio (*.wav *.flac);;All files (*)</source>
        <translation>オーディオ (*.wav *.flac);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Remove the init audio: generate from noise again</source>
        <translation>初期オーディオを外して、再びノイズから生成します</translation>
    </message>
    <message>
        <source>&amp;Init audio</source>
        <translation>初期オーディオ(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Noise</source>
        <translation>ノイズ(&amp;N)</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: the file does not exist.</source>
        <translation>%1 を初期オーディオにできません: ファイルが存在しません。</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it is a folder, not a WAV or FLAC file.</source>
        <translation>%1 を初期オーディオにできません: WAV / FLAC ファイルではなくフォルダーです。</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it is not a WAV or FLAC file.</source>
        <translation>%1 を初期オーディオにできません: WAV / FLAC ファイルではありません。</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it holds no samples.</source>
        <translation>%1 を初期オーディオにできません: サンプルが含まれていません。</translation>
    </message>
    <message>
        <source>Drop a WAV or FLAC file on the window, choose one with …, or use Take ▸ Vary from this take</source>
        <translation>WAV / FLAC ファイルをウィンドウにドロップするか、… で選ぶか、「テイク ▸ このテイクからバリエーション」を使います</translation>
    </message>
    <message>
        <source>Init audio needs Stable Audio Open: the procedural engine cannot vary audio. Choose the Stable Audio Open engine and a model folder.</source>
        <translation>初期オーディオには Stable Audio Open が必要です。プロシージャルエンジンでは音声のバリエーションを作れません。Stable Audio Open エンジンとモデルフォルダーを選んでください。</translation>
    </message>
    <message>
        <source>The file is missing</source>
        <translation>ファイルが見つかりません</translation>
    </message>
    <message>
        <source>%1 does not exist (any more): generating would fail.</source>
        <translation>%1 が（もう）存在しないため、生成に失敗します。</translation>
    </message>
    <message>
        <source>How far the variation may move from the init audio: sampling starts at this noise level instead of pure noise. Low values stay close to it; SAO 1.0 all but ignores it at 500, rectified-flow models (SAO small) at 1.</source>
        <translation>バリエーションが初期オーディオからどこまで離れてよいか: 純粋なノイズではなく、このノイズレベルからサンプリングを始めます。小さい値ほど元の音に近くなります。SAO 1.0 では 500、rectified-flow モデル（SAO small）では 1 でほぼ無視されます。</translation>
    </message>
    <message>
        <source>The procedural engine cannot vary audio</source>
        <translation>プロシージャルエンジンでは使えません</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GenerationWorker</name>
    <message>
        <source>Loading %1 engine…</source>
        <translation>%1 エンジンを読み込み中…</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>生成に失敗しました: %1</translation>
    </message>
    <message>
        <source>Generation failed for an unknown reason.</source>
        <translation>原因不明のエラーで生成に失敗しました。</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GoniometerWidget</name>
    <message>
        <source>display gain ×%1</source>
        <translation>表示ゲイン ×%1</translation>
    </message>
</context>
<context>
    <name>footfall::ui::LoraListWidget</name>
    <message>
        <source>Add LoRA…</source>
        <translation>LoRA を追加…</translation>
    </message>
    <message>
        <source>Add a LoRA (.safetensors or .ckpt as LoRAW writes it)</source>
        <translation>LoRA を追加（.safetensors、または LoRAW が書き出す .ckpt）</translation>
    </message>
    <message>
        <source>Choose LoRA files</source>
        <translation>LoRA ファイルを選択</translation>
    </message>
    <message>
        <source>LoRA (*.safetensors *.ckpt);;All files (*)</source>
        <translation>LoRA (*.safetensors *.ckpt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Strength of %1</source>
        <translation>%1 の強さ</translation>
    </message>
    <message>
        <source>cfg</source>
        <translation>cfg</translation>
    </message>
    <message>
        <source>No LoRAW config: the LoRA&apos;s own metadata decides its rank and targets. Click to choose a model_config.json with a &quot;lora&quot; section.</source>
        <translation>LoRAW の設定なし: ランクと適用先は LoRA 自身のメタデータで決まります。クリックすると「lora」セクションを含む model_config.json を選べます。</translation>
    </message>
    <message>
        <source>LoRAW config: %1 (click to change, right-click to clear)</source>
        <translation>LoRAW の設定: %1（クリックで変更、右クリックで解除）</translation>
    </message>
    <message>
        <source>Choose the LoRAW config</source>
        <translation>LoRAW の設定ファイルを選択</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Gradio-compatible strength (strength²)</source>
        <translation>Gradio 互換の強さ（強さ²）</translation>
    </message>
    <message>
        <source>Apply the strength as LoRAW&apos;s Gradio UI does: the LoRA is scaled by strength squared and alpha/rank is not applied. Use it to match takes made there. Off: training-faithful (strength × alpha/rank, as the LoRA was trained).</source>
        <translation>LoRAW の Gradio UI と同じ方法で強さを適用します: LoRA を強さの2乗で倍率し、alpha/rank は適用しません。そちらで作ったテイクに合わせるときに使います。オフ: 学習どおり（強さ × alpha/rank、LoRA の学習時と同じ）。</translation>
    </message>
    <message>
        <source>DoRA: ignore magnitude (LoRAW Gradio)</source>
        <translation>DoRA: マグニチュードを無視（LoRAW Gradio）</translation>
    </message>
    <message>
        <source>Implied by Gradio-compatible strength: DoRA magnitudes are ignored.</source>
        <translation>Gradio 互換の強さが有効なため、DoRA のマグニチュードは無視されます。</translation>
    </message>
    <message>
        <source>For DoRA files only: ignore the magnitude vectors, as LoRAW&apos;s Gradio UI does. Off: training-faithful (the magnitudes rescale each row). Plain LoRA files are not affected.</source>
        <translation>DoRA ファイルのみ: LoRAW の Gradio UI と同様にマグニチュードベクトルを無視します。オフ: 学習どおり（マグニチュードで各行をスケーリング）。通常の LoRA ファイルには影響しません。</translation>
    </message>
    <message>
        <source>Merge options (training-faithful; right-click the row for the same menu)</source>
        <translation>適用オプション（学習どおり。行を右クリックしても同じメニューが開きます）</translation>
    </message>
    <message>
        <source>Merge options: %1</source>
        <translation>適用オプション: %1</translation>
    </message>
    <message>
        <source>Remove this LoRA</source>
        <translation>この LoRA を削除</translation>
    </message>
    <message>
        <source>No LoRAW config</source>
        <translation>LoRAW の設定なし</translation>
    </message>
    <message>
        <source>LoRAW config: %1</source>
        <translation>LoRAW の設定: %1</translation>
    </message>
</context>
<context>
    <name>footfall::ui::MainWindow</name>
    <message>
        <source>Footfall</source>
        <translation>Footfall</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Generate / queue</source>
        <translation>生成 / キューに追加</translation>
    </message>
    <message>
        <source>Cancel and clear queue</source>
        <translation>キャンセルしてキューを空にする</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>&amp;Take</source>
        <translation>テイク(&amp;T)</translation>
    </message>
    <message>
        <source>Play / stop</source>
        <translation>再生 / 停止</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>ループ</translation>
    </message>
    <message>
        <source>Waveform / spectrogram</source>
        <translation>波形 / スペクトログラム</translation>
    </message>
    <message>
        <source>Put in slot A</source>
        <translation>A にセット</translation>
    </message>
    <message>
        <source>Put in slot B</source>
        <translation>B にセット</translation>
    </message>
    <message>
        <source>Switch A/B</source>
        <translation>A/B 切り替え</translation>
    </message>
    <message>
        <source>Recall settings</source>
        <translation>設定を呼び出す</translation>
    </message>
    <message>
        <source>Vary (same settings, new seed)</source>
        <translation>バリエーション（同じ設定・新しいシード）</translation>
    </message>
    <message>
        <source>Render final</source>
        <translation>本番レンダリング</translation>
    </message>
    <message>
        <source>Render this draft at full quality: the same seed and settings with the steps and sampler it stands for</source>
        <translation>このドラフトをフル品質でレンダリング: 同じシードと設定で、本来のステップ数とサンプラーを使います</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>書き出し…</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>お気に入り</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>不採用</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>評価</translation>
    </message>
    <message>
        <source>No rating</source>
        <translation>評価なし</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>リストから削除</translation>
    </message>
    <message>
        <source>  ▸ A</source>
        <translation>  ▸ A</translation>
    </message>
    <message>
        <source>  ▸ B</source>
        <translation>  ▸ B</translation>
    </message>
    <message>
        <source>Put one take in slot A (Shift+A) and one in B (Shift+B) first</source>
        <translation>先にテイクを A（Shift+A）と B（Shift+B）にセットしてください</translation>
    </message>
    <message>
        <source>Cannot write the selection: %1</source>
        <translation>選択範囲を書き込めません: %1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>書き出しに失敗しました: %1</translation>
    </message>
    <message>
        <source>Exported 1 file to %1</source>
        <translation>%1 に 1 ファイルを書き出しました</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n files to %1</source>
        <translation>
            <numerusform>%1 に %n ファイルを書き出しました</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued: %1</source>
        <translation>キューに追加: %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <source>1 prompt queued</source>
        <translation>キュー内のプロンプト 1 件</translation>
    </message>
    <message numerus="yes">
        <source>%n prompts queued</source>
        <translation>
            <numerusform>キュー内のプロンプト %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 %2 — failed: %3</source>
        <translation>%1 %2 — 失敗: %3</translation>
    </message>
    <message>
        <source>%1 %2 — cancelled, takes kept: %3</source>
        <translation>%1 %2 — キャンセル、残したテイク: %3</translation>
    </message>
    <message>
        <source>%1 %2 (×%3)</source>
        <translation>%1 %2 (×%3)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Generation failed</source>
        <translation>生成に失敗しました</translation>
    </message>
    <message>
        <source>Cancelled (1 take kept)</source>
        <translation>キャンセル（1 テイクを保持）</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled (%n takes kept)</source>
        <translation>
            <numerusform>キャンセル（%n テイクを保持）</numerusform>
        </translation>
    </message>
    <message>
        <source>Done: 1 take</source>
        <translation>完了: 1 テイク</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n takes</source>
        <translation>
            <numerusform>完了: %n テイク</numerusform>
        </translation>
    </message>
    <message>
        <source>Settings of the take recalled (seed locked)</source>
        <translation>テイクの設定を呼び出しました（シード固定）</translation>
    </message>
    <message>
        <source>Cannot render this take: %1</source>
        <translation>このテイクはレンダリングできません: %1</translation>
    </message>
    <message numerus="yes">
        <source>Rendering the draft at full quality (%n steps)</source>
        <translation>
            <numerusform>ドラフトをフル品質でレンダリング中（%n ステップ）</numerusform>
        </translation>
    </message>
    <message>
        <source>Waveform</source>
        <translation>波形</translation>
    </message>
    <message>
        <source>Show the waveform (S toggles)</source>
        <translation>波形を表示（S で切り替え）</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ 再生</translation>
    </message>
    <message>
        <source>Play / stop (Space)</source>
        <translation>再生 / 停止（Space）</translation>
    </message>
    <message>
        <source>⟲ Loop</source>
        <translation>⟲ ループ</translation>
    </message>
    <message>
        <source>Loop playback (L)</source>
        <translation>ループ再生（L）</translation>
    </message>
    <message>
        <source>Spectrogram</source>
        <translation>スペクトログラム</translation>
    </message>
    <message>
        <source>Show the spectrogram instead of the waveform (S)</source>
        <translation>波形の代わりにスペクトログラムを表示（S）</translation>
    </message>
    <message>
        <source>Log Hz</source>
        <translation>Hz 対数</translation>
    </message>
    <message>
        <source>Linear Hz</source>
        <translation>Hz リニア</translation>
    </message>
    <message>
        <source>Frequency axis of the spectrogram</source>
        <translation>スペクトログラムの周波数軸</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自動再生</translation>
    </message>
    <message>
        <source>Play a take as soon as it is selected (Up/Down to move)</source>
        <translation>テイクを選択したらすぐ再生（↑/↓ で移動）</translation>
    </message>
    <message>
        <source>As generated</source>
        <translation>生成時のまま</translation>
    </message>
    <message>
        <source>Match −23 LUFS</source>
        <translation>−23 LUFS に揃える</translation>
    </message>
    <message>
        <source>Match quietest</source>
        <translation>最も小さいテイクに揃える</translation>
    </message>
    <message>
        <source>Loudness-matched audition: a playback gain only, files are untouched</source>
        <translation>ラウドネスを揃えて試聴: 再生ゲインのみで、ファイルは変更されません</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>レベル</translation>
    </message>
    <message>
        <source>Put the selected take in slot A (Shift+A)</source>
        <translation>選択中のテイクを A にセット（Shift+A）</translation>
    </message>
    <message>
        <source>Put the selected take in slot B (Shift+B)</source>
        <translation>選択中のテイクを B にセット（Shift+B）</translation>
    </message>
    <message>
        <source>A⇄B</source>
        <translation>A⇄B</translation>
    </message>
    <message>
        <source>Switch between A and B at the same position (T)</source>
        <translation>同じ位置で A と B を切り替え（T）</translation>
    </message>
    <message>
        <source>Stereo image</source>
        <translation>ステレオイメージ</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>メタデータ</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>Boost limited so the peak stays below 0 dBFS</source>
        <translation>ピークが 0 dBFS を超えないようにブーストを制限</translation>
    </message>
    <message>
        <source>Preferences…</source>
        <translation>環境設定…</translation>
    </message>
    <message>
        <source>Preferences saved: a new language applies from the next start</source>
        <translation>環境設定を保存しました。言語の変更は次回の起動から反映されます</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>Vary from this take (as init audio)</source>
        <translation>このテイクからバリエーション（初期オーディオとして）</translation>
    </message>
    <message>
        <source>Cannot vary %1: the file is gone.</source>
        <translation>%1 からバリエーションを作れません: ファイルがありません。</translation>
    </message>
    <message>
        <source>Varying %1: set the noise level, then Generate</source>
        <translation>%1 のバリエーション: ノイズレベルを設定してから「生成」を押してください</translation>
    </message>
    <message>
        <source>Init audio: %1 (the next generation varies it)</source>
        <translation>初期オーディオ: %1（次の生成でバリエーションを作ります）</translation>
    </message>
    <message numerus="yes">
        <source>Init audio: %1 (the first of %n dropped files)</source>
        <translation>
            <numerusform>初期オーディオ: %1（ドロップされた %n 個のファイルの最初のもの）</numerusform>
        </translation>
    </message>
    <message>
        <source>Open library folder…</source>
        <translation>ライブラリフォルダーを開く…</translation>
    </message>
    <message>
        <source>Add the takes of a folder rendered elsewhere (read from their sidecars) to the list, with their settings for recall</source>
        <translation>別の場所で生成したフォルダーのテイクを（サイドカーファイルから読み込み）設定ごとリストに追加し、設定を呼び出せるようにします</translation>
    </message>
    <message>
        <source>Open library folder</source>
        <translation>ライブラリフォルダーを開く</translation>
    </message>
    <message>
        <source>A library folder is still being read; try again when it is in the list.</source>
        <translation>ライブラリフォルダーを読み込み中です。リストに入ってから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>Reading library folder %1…</source>
        <translation>ライブラリフォルダー %1 を読み込み中…</translation>
    </message>
    <message>
        <source>Cannot open the library folder: %1</source>
        <translation>ライブラリフォルダーを開けません: %1</translation>
    </message>
    <message>
        <source>Adding takes from %1: %2 to go</source>
        <translation>%1 からテイクを追加中: 残り %2</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) added from %1</source>
        <translation>
            <numerusform>%1 から %n テイクを追加しました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already in the list</source>
        <translation>
            <numerusform>%n 件はリストに登録済み</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read</source>
        <translation>
            <numerusform>%n 件は読み込めませんでした</numerusform>
        </translation>
    </message>
    <message>
        <source>Library folder</source>
        <translation>ライブラリフォルダー</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) in %1 could not be read and were left out.</source>
        <translation>
            <numerusform>%1 の %n テイクは読み込めなかったため、除外しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry save</source>
        <translation>保存を再試行</translation>
    </message>
    <message>
        <source>Write the takes that could not be saved (marked ⚠ in the list) to the output folder</source>
        <translation>保存できなかったテイク（リストで ⚠ 表示）を出力フォルダーに書き込みます</translation>
    </message>
    <message>
        <source>Unsaved takes</source>
        <translation>未保存のテイク</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) could not be saved and exist only in this window. Close anyway and lose them?</source>
        <translation>
            <numerusform>%n 件のテイクを保存できず、このウィンドウの中にしかありません。閉じるとそれらは失われます。閉じますか？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1. %n take(s) not saved: they stay in the list (⚠) until the app is closed; make room, then Take ▸ Retry save.</source>
        <translation>
            <numerusform>%1。%n 件のテイクを保存できませんでした。アプリを閉じるまでリストに残ります（⚠）。空き容量を確保してから「テイク ▸ 保存を再試行」を実行してください。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) still not saved: %1</source>
        <translation>
            <numerusform>%n 件のテイクはまだ保存できていません: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) saved</source>
        <translation>
            <numerusform>%n 件のテイクを保存しました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n unfinished file(s) of an interrupted save from %1</source>
        <translation>
            <numerusform>中断された保存の未完成ファイル %n 個を %1 から削除しました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) saved just before the app stopped were added back to the list</source>
        <translation>
            <numerusform>アプリが停止する直前に保存された %n 件のテイクをリストに戻しました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) had lost their sidecar file: written again from the metadata in the audio file</source>
        <translation>
            <numerusform>%n 件のテイクのサイドカーファイルが失われていたため、音声ファイル内のメタデータから書き直しました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saving %n take(s)…</source>
        <translation>
            <numerusform>%n 件のテイクを保存しています…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>footfall::ui::MetadataPanel</name>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>ネガティブプロンプト</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>エンジン</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>フォーマット</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>パフォーマンス</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>時間（秒）</translation>
    </message>
    <message>
        <source>Time (min)</source>
        <translation>時間（分）</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <source>Audio properties</source>
        <translation>オーディオ属性</translation>
    </message>
    <message>
        <source>Sample rate (Hz)</source>
        <translation>サンプルレート (Hz)</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>チャンネル数</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>サンプル数</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Requested duration (s)</source>
        <translation>指定した長さ（秒）</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>長さ（秒）</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>統計</translation>
    </message>
    <message>
        <source>Sample peak</source>
        <translation>サンプルピーク</translation>
    </message>
    <message>
        <source>Peak (dBFS)</source>
        <translation>ピーク (dBFS)</translation>
    </message>
    <message>
        <source>RMS</source>
        <translation>RMS</translation>
    </message>
    <message>
        <source>RMS (dBFS)</source>
        <translation>RMS (dBFS)</translation>
    </message>
    <message>
        <source>RMS convention</source>
        <translation>RMS の基準</translation>
    </message>
    <message>
        <source>Loudness</source>
        <translation>ラウドネス</translation>
    </message>
    <message>
        <source>Phase analysis</source>
        <translation>位相分析</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>CFG scale</source>
        <translation>CFG スケール</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>ステップ数</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>サンプラー</translation>
    </message>
    <message>
        <source>LoRAs</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>チェックポイント</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>設定ファイル</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Engine details</source>
        <translation>エンジンの詳細</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Copy all fields as text</source>
        <translation>すべての項目をテキストとしてコピー</translation>
    </message>
    <message>
        <source>Copy JSON</source>
        <translation>JSON をコピー</translation>
    </message>
    <message>
        <source>Copy the metadata dictionary as JSON</source>
        <translation>メタデータを JSON としてコピー</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>その他</translation>
    </message>
</context>
<context>
    <name>footfall::ui::Player</name>
    <message>
        <source>No audio output: playing silently (playhead and meters only).</source>
        <translation>オーディオ出力がありません: 無音で再生します（再生位置とメーターのみ）。</translation>
    </message>
</context>
<context>
    <name>footfall::ui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>環境設定</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>The language changes the next time Footfall starts. %1 overrides it for one run.</source>
        <translation>言語は次回 Footfall を起動したときに切り替わります。%1 を指定した起動では、そちらが優先されます。</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>footfall::ui::PromptBuilder</name>
    <message>
        <source>Surface</source>
        <translation>床・地面</translation>
    </message>
    <message>
        <source>Footwear</source>
        <translation>履物</translation>
    </message>
    <message>
        <source>Gait</source>
        <translation>歩き方</translation>
    </message>
    <message>
        <source>Pace</source>
        <translation>テンポ</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>体重</translation>
    </message>
    <message>
        <source>Wet/dry</source>
        <translation>濡れ/乾き</translation>
    </message>
    <message>
        <source>Perspective</source>
        <translation>距離感</translation>
    </message>
    <message>
        <source>any</source>
        <translation>指定なし</translation>
    </message>
</context>
<context>
    <name>footfall::ui::TakeListModel</name>
    <message>
        <source>proc</source>
        <translation>proc</translation>
    </message>
    <message>
        <source>%1 of 5 stars</source>
        <translation>星 %1 / 5</translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation>未評価</translation>
    </message>
    <message>
        <source>Click a star to rate, the same star again to clear (keys 0–5)</source>
        <translation>星をクリックで評価、同じ星をもう一度クリックで解除（キー 0〜5）</translation>
    </message>
    <message>
        <source>Draft: Take ▸ Render final renders it at full quality</source>
        <translation>ドラフト: 「テイク ▸ 本番レンダリング」でフル品質にできます</translation>
    </message>
    <message>
        <source>Rating, 0–5 stars (keys 0–5)</source>
        <translation>評価、星 0〜5（キー 0〜5）</translation>
    </message>
    <message>
        <source>Engine: proc = procedural, SAO = Stable Audio Open</source>
        <translation>エンジン: proc = プロシージャル、SAO = Stable Audio Open</translation>
    </message>
    <message>
        <source>Loudness in LUFS: integrated, else over the whole take, else max momentary</source>
        <translation>ラウドネス (LUFS): インテグレーテッド、取れなければテイク全体、それも無理ならモーメンタリーの最大値</translation>
    </message>
    <message>
        <source>Phase correlation of the whole take (−1 … +1)</source>
        <translation>テイク全体の位相相関（−1 … +1）</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>エンジン</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>長さ</translation>
    </message>
    <message>
        <source>LUFS</source>
        <translation>LUFS</translation>
    </message>
    <message>
        <source>Corr.</source>
        <translation>相関</translation>
    </message>
    <message>
        <source>Varied from %1 (noise level %2)</source>
        <translation>%1 からのバリエーション（ノイズレベル %2）</translation>
    </message>
    <message>
        <source>Not saved: %1
Take ▸ Retry save writes it once there is room.</source>
        <translation>未保存: %1
空き容量ができたら「テイク ▸ 保存を再試行」で書き込めます。</translation>
    </message>
</context>
<context>
    <name>footfall::ui::WaveformView</name>
    <message>
        <source>Click: move the playhead · Drag: select · Drag the selection (or Alt+drag): drag out to a DAW · Ctrl+wheel or +/−: zoom · wheel: scroll · Esc: clear</source>
        <translation>クリック: 再生位置を移動 · ドラッグ: 範囲選択 · 選択範囲をドラッグ（または Alt+ドラッグ）: DAW へドラッグ · Ctrl+ホイールまたは +/−: ズーム · ホイール: スクロール · Esc: 選択解除</translation>
    </message>
    <message>
        <source>Loading the take…</source>
        <translation>テイクを読み込み中…</translation>
    </message>
    <message>
        <source>No take selected</source>
        <translation>テイクが選択されていません</translation>
    </message>
    <message>
        <source>   selection %1–%2 s</source>
        <translation>   選択範囲 %1–%2 秒</translation>
    </message>
    <message>
        <source>No spectrogram for this take</source>
        <translation>このテイクのスペクトログラムはありません</translation>
    </message>
    <message>
        <source>Hz (log)</source>
        <translation>Hz（対数）</translation>
    </message>
    <message>
        <source>Hz (linear)</source>
        <translation>Hz（リニア）</translation>
    </message>
</context>
</TS>
