using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Xieshang.Web.Infrastructure.Text;

/// <summary>
/// Pure, thread-safe rules for Chinese personal names: normalisation of names as typed or
/// pasted into rosters, Hanyu Pinyin (full spelling and initials) for search, and sort keys
/// for the two official roster orders (按姓氏笔画 stroke order and 拼音 order).
/// </summary>
/// <remarks>
/// <para>
/// Pinyin comes from ICU's <c>Han-Latin; Latin-ASCII</c> transliterator, called through
/// P/Invoke into the system <c>libicui18n</c> (the same library .NET globalization uses).
/// The library and its version-suffixed exports (<c>utrans_openU_72</c> …) are found at run
/// time. Opening a transliterator costs about 0.3 ms (the first one in a process ~100 ms,
/// while ICU compiles its rules), so each thread keeps one instance in a
/// <see cref="ThreadStaticAttribute"/> field; it is closed by its finalizer when the thread
/// ends. Nothing else is cached.
/// </para>
/// <para>
/// Sort keys come from .NET's ICU collation for the cultures <c>zh-CN_stroke</c> and
/// <c>zh-CN</c>; they need globalization enabled (not <c>InvariantGlobalization</c>).
/// </para>
/// </remarks>
public static class ChineseText
{
    /// <summary>The ICU transliterator ID used by the pinyin methods.</summary>
    internal const string PinyinTransliteratorId = "Han-Latin/Names; Latin-ASCII";

    /// <summary>The canonical middle dot U+00B7 (间隔号) used in transliterated minority and foreign names.</summary>
    public const char MiddleDot = '\u00B7';

    /// <summary>
    /// Normalises a personal name as found in a roster cell or form field, so that the same
    /// person typed in different ways yields the same string.
    /// </summary>
    /// <param name="raw">The name as typed, pasted or read from a spreadsheet; may be <c>null</c>.</param>
    /// <returns>
    /// The normalised name, or <c>""</c> when <paramref name="raw"/> is <c>null</c>, empty or only
    /// whitespace. Rules, in order:
    /// <list type="number">
    /// <item>every whitespace character is removed, wherever it is (ASCII space, tab, line breaks,
    /// NBSP U+00A0, the ideographic space U+3000, the U+2000–U+200A spaces …), so
    /// <c>" 张 三 "</c> → <c>"张三"</c> and <c>"李　娜"</c> → <c>"李娜"</c>;</item>
    /// <item>invisible format characters picked up by copy and paste (zero-width space U+200B,
    /// ZWNJ U+200C, ZWJ U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD) are removed;</item>
    /// <item>middle-dot look-alikes — <c>•</c> U+2022, <c>・</c> U+30FB, <c>．</c> U+FF0E,
    /// <c>.</c> U+002E, <c>‧</c> U+2027, <c>･</c> U+FF65, <c>ㆍ</c> U+318D, <c>∙</c> U+2219,
    /// <c>⋅</c> U+22C5, <c>⸱</c> U+2E31, and Greek <c>·</c> U+0387 — become <c>·</c> U+00B7
    /// (<c>"艾力•买买提"</c> → <c>"艾力·买买提"</c>);</item>
    /// <item>the result is put in Unicode normalisation form C (NFC).</item>
    /// </list>
    /// Characters outside the Basic Multilingual Plane (surrogate pairs such as <c>𠀀</c> U+20000
    /// or <c>𡈽</c> U+2123D, common in rare surnames and given names) are kept intact. An unpaired
    /// surrogate, which cannot be stored or normalised, becomes U+FFFD. Letter case, full-width
    /// letters and all other characters are left as they are. The function is idempotent.
    /// </returns>
    public static string NormalizeName(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return "";
        }

        var builder = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsHighSurrogate(c) && i + 1 < raw.Length && char.IsLowSurrogate(raw[i + 1]))
            {
                builder.Append(c).Append(raw[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else if (char.IsWhiteSpace(c) || IsInvisibleFormatCharacter(c))
            {
                // dropped
            }
            else if (IsMiddleDotVariant(c))
            {
                builder.Append(MiddleDot);
            }
            else
            {
                builder.Append(c);
            }
        }

        var result = builder.ToString();
        return result.IsNormalized(NormalizationForm.FormC) ? result : result.Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// Full Hanyu Pinyin of <paramref name="text"/> without tones or separators, for search.
    /// </summary>
    /// <param name="text">Any text, typically a (normalised) name. Must not be <c>null</c>.</param>
    /// <returns>
    /// Lowercase ASCII only (<c>a–z</c>, <c>0–9</c>): syllables are concatenated without spaces
    /// (<c>"张三"</c> → <c>"zhangsan"</c>, <c>"艾力·买买提"</c> → <c>"ailimaimaiti"</c>);
    /// Latin letters already in the text are kept, lower-cased, with accents and full-width forms
    /// folded to ASCII (<c>"Tom张三"</c> → <c>"tomzhangsan"</c>); ASCII digits are kept; spaces,
    /// punctuation (including <c>·</c>) and characters ICU cannot romanise are dropped.
    /// <c>ü</c> is written <c>u</c> (<c>"吕"</c> → <c>"lu"</c>). Polyphonic characters get ICU's
    /// default reading (<c>"单"</c> → <c>"dan"</c>, not the surname reading <c>shan</c>).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">The system ICU library or its Han-Latin
    /// transliterator cannot be loaded.</exception>
    public static string ToPinyin(string text) => PinyinOf(text).Full;

    /// <summary>
    /// Pinyin initials of <paramref name="text"/>: the first letter of each syllable, for search
    /// by abbreviation (<c>"张三"</c> → <c>"zs"</c>, <c>"欧阳修"</c> → <c>"oyx"</c>).
    /// </summary>
    /// <param name="text">Any text, typically a (normalised) name. Must not be <c>null</c>.</param>
    /// <returns>
    /// Lowercase ASCII only. A run of Latin letters and digits already in the text counts as one
    /// syllable (<c>"Tom张三"</c> → <c>"tzs"</c>, <c>"John Smith"</c> → <c>"js"</c>); everything
    /// else is dropped as in <see cref="ToPinyin(string)"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">The system ICU library or its Han-Latin
    /// transliterator cannot be loaded.</exception>
    public static string ToPinyinInitials(string text) => PinyinOf(text).Initials;

    /// <summary>
    /// Both <see cref="ToPinyin(string)"/> and <see cref="ToPinyinInitials(string)"/> of
    /// <paramref name="text"/> from a single ICU call (<c>"欧阳修"</c> →
    /// <c>("ouyangxiu", "oyx")</c>). Pure-ASCII text is handled without ICU.
    /// </summary>
    /// <param name="text">Any text. Must not be <c>null</c>.</param>
    /// <returns>The full pinyin and the initials; both <c>""</c> for empty input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">The system ICU library or its Han-Latin
    /// transliterator cannot be loaded.</exception>
    public static (string Full, string Initials) PinyinOf(string text) => PinyinOf(text, initialCapacity: 0);

    /// <summary>
    /// <see cref="PinyinOf(string)"/> with a chosen first output buffer size (0 = automatic);
    /// lets tests exercise the buffer-overflow retry.
    /// </summary>
    internal static (string Full, string Initials) PinyinOf(string text, int initialCapacity)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return ("", "");
        }

        return Ascii.IsValid(text) ? Collect(text) : Icu.TransliterateAndCollect(text, initialCapacity);
    }

    /// <summary>
    /// A string key whose ordinal order equals the stroke order (按姓氏笔画, culture
    /// <c>zh-CN_stroke</c>) of the names, for <c>ORDER BY</c> in the database.
    /// </summary>
    /// <param name="name">The (normalised) name. Must not be <c>null</c>.</param>
    /// <returns>
    /// Uppercase hexadecimal (<see cref="Convert.ToHexString(byte[])"/>) of the ICU collation sort
    /// key. For any two names <c>a</c>, <c>b</c>:
    /// <c>string.CompareOrdinal(StrokeSortKey(a), StrokeSortKey(b))</c> has the sign of
    /// <c>StrokeComparer.Compare(a, b)</c>. Keys depend on the ICU version: recompute stored keys
    /// after an ICU upgrade.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <c>null</c>.</exception>
    public static string StrokeSortKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Convert.ToHexString(Collation.Stroke.GetSortKey(name, CompareOptions.None).KeyData);
    }

    /// <summary>
    /// A string key whose ordinal order equals the pinyin order (culture <c>zh-CN</c>) of the
    /// names; see <see cref="StrokeSortKey(string)"/>.
    /// </summary>
    /// <param name="name">The (normalised) name. Must not be <c>null</c>.</param>
    /// <returns>Uppercase hexadecimal of the <c>zh-CN</c> ICU collation sort key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <c>null</c>.</exception>
    public static string PinyinSortKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Convert.ToHexString(Collation.Pinyin.GetSortKey(name, CompareOptions.None).KeyData);
    }

    /// <summary>
    /// Compares names in stroke order (按姓氏笔画: fewer strokes of the first character first;
    /// culture <c>zh-CN_stroke</c>, <see cref="CompareOptions.None"/>), consistent with
    /// <see cref="StrokeSortKey(string)"/>. Thread-safe.
    /// </summary>
    public static StringComparer StrokeComparer => Collation.StrokeComparer;

    /// <summary>
    /// Compares names in pinyin order (culture <c>zh-CN</c>, <see cref="CompareOptions.None"/>),
    /// consistent with <see cref="PinyinSortKey(string)"/>. Thread-safe.
    /// </summary>
    public static StringComparer PinyinComparer => Collation.PinyinComparer;

    private static bool IsMiddleDotVariant(char c) => c switch
    {
        '\u00B7' or '\u0387' or '\u2022' or '\u30FB' or '\uFF0E' or '.' or '\u2027' or '\uFF65'
            or '\u318D' or '\u2219' or '\u22C5' or '\u2E31' => true,
        _ => false,
    };

    private static bool IsInvisibleFormatCharacter(char c) => c switch
    {
        '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD' => true,
        _ => false,
    };

    /// <summary>
    /// Turns romanised text into (full, initials): ASCII letters (lower-cased) and digits are
    /// kept; every other character ends a syllable and is dropped.
    /// </summary>
    private static (string Full, string Initials) Collect(ReadOnlySpan<char> latin)
    {
        char[]? rented = null;
        var scratch = latin.Length <= 512
            ? stackalloc char[latin.Length * 2]
            : (rented = ArrayPool<char>.Shared.Rent(latin.Length * 2));
        try
        {
            var full = scratch[..latin.Length];
            var initials = scratch.Slice(latin.Length, latin.Length);
            int fullLength = 0, initialsLength = 0;
            var inSyllable = false;
            foreach (var c in latin)
            {
                char kept;
                if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
                {
                    kept = c;
                }
                else if (char.IsAsciiLetterUpper(c))
                {
                    kept = (char)(c | 0x20);
                }
                else
                {
                    inSyllable = false;
                    continue;
                }

                full[fullLength++] = kept;
                if (!inSyllable)
                {
                    initials[initialsLength++] = kept;
                    inSyllable = true;
                }
            }

            return (new string(full[..fullLength]), new string(initials[..initialsLength]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Collation objects, created on first use (they need ICU globalization).</summary>
    private static class Collation
    {
        public static readonly CompareInfo Stroke = CultureInfo.GetCultureInfo("zh-CN_stroke").CompareInfo;
        public static readonly CompareInfo Pinyin = CultureInfo.GetCultureInfo("zh-CN").CompareInfo;
        public static readonly StringComparer StrokeComparer = Stroke.GetStringComparer(CompareOptions.None);
        public static readonly StringComparer PinyinComparer = Pinyin.GetStringComparer(CompareOptions.None);
    }

    /// <summary>
    /// P/Invoke into the system ICU i18n library: discovery of the library and its
    /// version-suffixed exports, and one <c>UTransliterator</c> per thread.
    /// </summary>
    private static unsafe class Icu
    {
        /// <summary><c>U_BUFFER_OVERFLOW_ERROR</c>.</summary>
        private const int BufferOverflowError = 15;

        /// <summary>Output buffer chars per input char on the first attempt (a syllable is at most 6 letters plus a space).</summary>
        private const int CharsPerInputChar = 8;

        private const int StackBufferChars = 1024;

        private static readonly Lock LoadLock = new();
        private static volatile Api? s_api;
        private static string? s_loadFailure;

        [ThreadStatic]
        private static TransliteratorHandle? t_transliterator;

        public static (string Full, string Initials) TransliterateAndCollect(string text, int initialCapacity)
        {
            var transliterator = t_transliterator ??= TransliteratorHandle.Open(GetApi(), PinyinTransliteratorId);
            var capacity = Math.Max(initialCapacity > 0 ? initialCapacity : (int)Math.Min((long)text.Length * CharsPerInputChar + 16, Array.MaxLength), text.Length);
            Span<char> stackBuffer = stackalloc char[StackBufferChars];
            while (true)
            {
                char[]? rented = null;
                var buffer = capacity <= StackBufferChars
                    ? stackBuffer[..capacity]
                    : (rented = ArrayPool<char>.Shared.Rent(capacity)).AsSpan(0, capacity);
                try
                {
                    var length = transliterator.Transliterate(text, buffer, out var overflow);
                    if (!overflow)
                    {
                        return Collect(buffer[..length]);
                    }

                    // ICU reports the length it needs; the buffer may be half-written, so start over.
                    capacity = Math.Max(length, capacity * 2);
                }
                finally
                {
                    if (rented is not null)
                    {
                        ArrayPool<char>.Shared.Return(rented);
                    }
                }
            }
        }

        private static Api GetApi()
        {
            if (s_api is { } api)
            {
                return api;
            }

            lock (LoadLock)
            {
                if (s_api is null && s_loadFailure is null)
                {
                    s_api = Load(out s_loadFailure);
                }

                return s_api ?? throw new InvalidOperationException(s_loadFailure);
            }
        }

        private static Api? Load(out string? failure)
        {
            var tried = new List<string>();
            foreach (var (library, version) in Candidates())
            {
                if (!NativeLibrary.TryLoad(library, out var handle))
                {
                    continue;
                }

                tried.Add(library);
                foreach (var suffix in Suffixes(version))
                {
                    if (NativeLibrary.TryGetExport(handle, "utrans_openU" + suffix, out var open)
                        && NativeLibrary.TryGetExport(handle, "utrans_transUChars" + suffix, out var transliterate)
                        && NativeLibrary.TryGetExport(handle, "utrans_close" + suffix, out var close))
                    {
                        failure = null;
                        return new Api(open, transliterate, close);
                    }
                }

                NativeLibrary.Free(handle);
            }

            failure = "The ICU library (libicui18n) with the utrans_* transliteration API could not be loaded; "
                + "Chinese pinyin needs the system ICU, which .NET globalization uses as well "
                + "(on Debian/Ubuntu install the libicuNN package, e.g. libicu72). "
                + (tried.Count == 0
                    ? "No libicui18n library was found."
                    : "Loaded but without usable utrans exports: " + string.Join(", ", tried) + ".");
            return null;
        }

        /// <summary>Library names to try, each with the ICU major version its exports are suffixed with, if known.</summary>
        private static IEnumerable<(string Library, int? Version)> Candidates()
        {
            if (OperatingSystem.IsWindows())
            {
                yield return ("icu.dll", null); // Windows 10 1903+: unsuffixed exports
                yield return ("icuin.dll", null);
                yield break;
            }

            if (OperatingSystem.IsMacOS())
            {
                yield return ("libicucore.dylib", null);
            }

            for (var version = 90; version >= 50; version--)
            {
                yield return ($"libicui18n.so.{version}", version);
            }

            yield return ("libicui18n.so", null);
        }

        /// <summary>Export name suffixes to try: <c>_NN</c> for a known version, else every version, then none.</summary>
        private static IEnumerable<string> Suffixes(int? version)
        {
            if (version is { } known)
            {
                yield return "_" + known.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                for (var candidate = 90; candidate >= 50; candidate--)
                {
                    yield return "_" + candidate.ToString(CultureInfo.InvariantCulture);
                }
            }

            yield return "";
        }

        /// <summary>Resolved ICU entry points.</summary>
        private sealed class Api(nint open, nint transliterate, nint close)
        {
            /// <summary><c>UTransliterator* utrans_openU(const UChar* id, int32_t idLength, UTransDirection dir, const UChar* rules, int32_t rulesLength, UParseError* parseError, UErrorCode* status)</c>.</summary>
            public readonly delegate* unmanaged<char*, int, int, char*, int, UParseError*, int*, nint> OpenU =
                (delegate* unmanaged<char*, int, int, char*, int, UParseError*, int*, nint>)open;

            /// <summary><c>void utrans_transUChars(const UTransliterator* trans, UChar* text, int32_t* textLength, int32_t textCapacity, int32_t start, int32_t* limit, UErrorCode* status)</c>.</summary>
            public readonly delegate* unmanaged<nint, char*, int*, int, int, int*, int*, void> TransUChars =
                (delegate* unmanaged<nint, char*, int*, int, int, int*, int*, void>)transliterate;

            /// <summary><c>void utrans_close(UTransliterator* trans)</c>.</summary>
            public readonly delegate* unmanaged<nint, void> Close = (delegate* unmanaged<nint, void>)close;
        }

        /// <summary>ICU <c>UParseError</c>.</summary>
        [StructLayout(LayoutKind.Sequential)]
        private struct UParseError
        {
            public int Line;
            public int Offset;
            public fixed char PreContext[16];
            public fixed char PostContext[16];
        }

        /// <summary>An open <c>UTransliterator</c>; not thread-safe, so used by one thread only.</summary>
        private sealed class TransliteratorHandle : SafeHandle
        {
            private readonly Api _api;

            private TransliteratorHandle(Api api, nint handle)
                : base(0, ownsHandle: true)
            {
                _api = api;
                SetHandle(handle);
            }

            public override bool IsInvalid => handle == 0;

            public static TransliteratorHandle Open(Api api, string id)
            {
                var status = 0;
                UParseError parseError = default;
                nint handle;
                fixed (char* idChars = id)
                {
                    handle = api.OpenU(idChars, id.Length, 0 /* UTRANS_FORWARD */, null, 0, &parseError, &status);
                }

                if (status > 0 || handle == 0)
                {
                    if (handle != 0)
                    {
                        api.Close(handle);
                    }

                    throw new InvalidOperationException(
                        $"ICU could not open the transliterator \"{id}\" (UErrorCode {status}); the ICU data may lack transliteration rules.");
                }

                return new TransliteratorHandle(api, handle);
            }

            /// <summary>
            /// Transliterates <paramref name="text"/> into <paramref name="buffer"/> and returns the
            /// output length; on overflow returns the length ICU needs instead.
            /// </summary>
            public int Transliterate(string text, Span<char> buffer, out bool overflow)
            {
                text.CopyTo(buffer);
                int length = text.Length, limit = text.Length, status = 0;
                fixed (char* chars = buffer)
                {
                    _api.TransUChars(handle, chars, &length, buffer.Length, 0, &limit, &status);
                }

                overflow = status == BufferOverflowError;
                if (status > 0 && !overflow)
                {
                    throw new InvalidOperationException($"ICU transliteration failed (UErrorCode {status}).");
                }

                return length;
            }

            protected override bool ReleaseHandle()
            {
                _api.Close(handle);
                return true;
            }
        }
    }
}
