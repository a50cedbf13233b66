using System.Text.Json;

namespace Xieshang.Consensus;

/// <summary>
/// Writes an <see cref="OpinionMap"/> in the JSON of the <c>consensus analyze</c> CLI:
/// <c>{"participants": n, "statements": m, "votes": v, "inConv": [id…], "groups": [{"id", "members": [id…]}],
/// "consensus": {"agree": [id…], "disagree": [id…]}, "repness": {"&lt;groupId&gt;": [{"statementId", "direction",
/// "pa", "pat", "ra", "rat"}]}, "groupInformedConsensus": {"&lt;statementId&gt;": value}, "pca": {"center": […],
/// "comps": [[…], […]]}, "seconds": s}</c>, with the ids of the input. For a disagree statement pa…rat are the
/// disagreement's quantities (Polis's p-success, p-test, repness, repness-test).
/// </summary>
public static class OpinionMapJson
{
    /// <summary>Writes <paramref name="map"/> to <paramref name="output"/> (UTF-8, indented); <paramref name="source"/>, when given, adds <c>"source"</c> (the files read).</summary>
    public static void Write(OpinionMap map, PolisConversation? source, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        if (source is not null) w.WriteString("source", source.Source);
        w.WriteNumber("participants", map.ParticipantIds.Length);
        w.WriteNumber("statements", map.StatementIds.Length);
        w.WriteNumber("votes", map.VoteCount);
        Ids(w, "inConv", map.InConv);
        w.WriteStartArray("groups");
        foreach (var g in map.Groups)
        {
            w.WriteStartObject();
            w.WriteNumber("id", g.Id);
            Ids(w, "members", g.Members);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("consensus");
        Ids(w, "agree", map.ConsensusAgree.Select(c => c.StatementId));
        Ids(w, "disagree", map.ConsensusDisagree.Select(c => c.StatementId));
        w.WriteEndObject();
        w.WriteStartObject("repness");
        foreach (var (gid, list) in map.Repness.OrderBy(kv => kv.Key))
        {
            w.WriteStartArray(gid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var r in list)
            {
                w.WriteStartObject();
                w.WriteNumber("statementId", r.StatementId);
                w.WriteString("direction", r.Agree ? "agree" : "disagree");
                w.WriteNumber("pa", r.P);
                w.WriteNumber("pat", r.PTest);
                w.WriteNumber("ra", r.R);
                w.WriteNumber("rat", r.RTest);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartObject("groupInformedConsensus");
        for (var j = 0; j < map.StatementIds.Length; j++)
            w.WriteNumber(map.StatementIds[j].ToString(System.Globalization.CultureInfo.InvariantCulture), map.GroupInformedConsensus[j]);
        w.WriteEndObject();
        w.WriteStartObject("pca");
        Numbers(w, "center", map.Pca.Center);
        w.WriteStartArray("comps");
        foreach (var c in map.Pca.Components)
        {
            w.WriteStartArray();
            foreach (var x in c) w.WriteNumberValue(x);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNumber("seconds", map.Seconds);
        w.WriteEndObject();
    }

    private static void Ids(Utf8JsonWriter w, string name, IEnumerable<long> ids)
    {
        w.WriteStartArray(name);
        foreach (var id in ids) w.WriteNumberValue(id);
        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
