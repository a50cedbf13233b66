using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Xieshang.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Consultations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ConsultationPlans",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PublishedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationPlans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationPlans_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationPlanTopics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlanId = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    SuggesterKind = table.Column<int>(type: "integer", nullable: false),
                    SuggesterId = table.Column<int>(type: "integer", nullable: false),
                    SuggesterName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    RejectReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    PlannedMonth = table.Column<int>(type: "integer", nullable: true),
                    PlannedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Type = table.Column<int>(type: "integer", nullable: true),
                    LeadSpecialCommitteeId = table.Column<int>(type: "integer", nullable: true),
                    ReviewedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationPlanTopics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationPlanTopics_ConsultationPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "ConsultationPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ConsultationPlanTopics_SpecialCommittees_LeadSpecialCommitt~",
                        column: x => x.LeadSpecialCommitteeId,
                        principalTable: "SpecialCommittees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Consultations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    PlanTopicId = table.Column<int>(type: "integer", nullable: true),
                    HandlingUnitId = table.Column<int>(type: "integer", nullable: true),
                    MeetingAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MeetingEndsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Place = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NoticeDays = table.Column<int>(type: "integer", nullable: false),
                    MaterialsDays = table.Column<int>(type: "integer", nullable: false),
                    MinutesDays = table.Column<int>(type: "integer", nullable: false),
                    NoticeSentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MaterialsSentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Minutes = table.Column<string>(type: "character varying(40000)", maxLength: 40000, nullable: false),
                    MinutesAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Consensus = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Divergences = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Feedback = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ActivityId = table.Column<int>(type: "integer", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Consultations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Consultations_Activities_ActivityId",
                        column: x => x.ActivityId,
                        principalTable: "Activities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Consultations_Committees_CommitteeId",
                        column: x => x.CommitteeId,
                        principalTable: "Committees",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Consultations_ConsultationPlanTopics_PlanTopicId",
                        column: x => x.PlanTopicId,
                        principalTable: "ConsultationPlanTopics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Consultations_HandlingUnits_HandlingUnitId",
                        column: x => x.HandlingUnitId,
                        principalTable: "HandlingUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationEvents",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsultationId = table.Column<int>(type: "integer", nullable: false),
                    Action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    From = table.Column<int>(type: "integer", nullable: false),
                    To = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    By = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationEvents_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationInviteLinks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsultationId = table.Column<int>(type: "integer", nullable: false),
                    Token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Label = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    MaxRegistrations = table.Column<int>(type: "integer", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationInviteLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationInviteLinks_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationRecommendations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsultationId = table.Column<int>(type: "integer", nullable: false),
                    SortOrder = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Adoption = table.Column<int>(type: "integer", nullable: false),
                    AdoptingBody = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AdoptedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    AdoptionNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Percent = table.Column<int>(type: "integer", nullable: false),
                    Evidence = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ImplementedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Feedback = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    FeedbackOn = table.Column<DateOnly>(type: "date", nullable: true),
                    MemberIds = table.Column<List<int>>(type: "integer[]", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationRecommendations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationRecommendations_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Deliberations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsultationId = table.Column<int>(type: "integer", nullable: false),
                    CommitteeId = table.Column<int>(type: "integer", nullable: false),
                    CommitteePath = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Question = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Visibility = table.Column<int>(type: "integer", nullable: false),
                    AllowAnonymous = table.Column<bool>(type: "boolean", nullable: false),
                    InviteToken = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deliberations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Deliberations_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationParticipants",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsultationId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Organization = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Role = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Category = table.Column<int>(type: "integer", nullable: false),
                    Phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    InviteLinkId = table.Column<int>(type: "integer", nullable: true),
                    Attended = table.Column<bool>(type: "boolean", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationParticipants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationParticipants_ConsultationInviteLinks_InviteLink~",
                        column: x => x.InviteLinkId,
                        principalTable: "ConsultationInviteLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_ConsultationParticipants_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationFiles",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsultationId = table.Column<int>(type: "integer", nullable: false),
                    RecommendationId = table.Column<int>(type: "integer", nullable: true),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    UploadedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationFiles_ConsultationRecommendations_Recommendatio~",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ConsultationFiles_Consultations_ConsultationId",
                        column: x => x.ConsultationId,
                        principalTable: "Consultations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecommendationInstructions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RecommendationId = table.Column<int>(type: "integer", nullable: false),
                    LeaderName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecommendationInstructions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecommendationInstructions_ConsultationRecommendations_Reco~",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecommendationMilestones",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RecommendationId = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: true),
                    DoneOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecommendationMilestones", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecommendationMilestones_ConsultationRecommendations_Recomm~",
                        column: x => x.RecommendationId,
                        principalTable: "ConsultationRecommendations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationInvitees",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeliberationId = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationInvitees", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationInvitees_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationMaps",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeliberationId = table.Column<int>(type: "integer", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ThroughAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Participants = table.Column<int>(type: "integer", nullable: false),
                    Votes = table.Column<int>(type: "integer", nullable: false),
                    Seconds = table.Column<double>(type: "double precision", nullable: false),
                    Data = table.Column<string>(type: "text", nullable: false),
                    Points = table.Column<string>(type: "text", nullable: false),
                    Priorities = table.Column<string>(type: "text", nullable: false),
                    State = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationMaps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationMaps_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationParticipants",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeliberationId = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    AnonymousKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    MemberId = table.Column<int>(type: "integer", nullable: true),
                    DisplayName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AddressHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationParticipants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationParticipants_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationStatements",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeliberationId = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: false),
                    AuthorParticipantId = table.Column<int>(type: "integer", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IsSeed = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    RejectReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ModeratedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ModeratedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationStatements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationStatements_DeliberationParticipants_AuthorParti~",
                        column: x => x.AuthorParticipantId,
                        principalTable: "DeliberationParticipants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DeliberationStatements_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliberationVotes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeliberationId = table.Column<int>(type: "integer", nullable: false),
                    ParticipantId = table.Column<int>(type: "integer", nullable: false),
                    StatementId = table.Column<int>(type: "integer", nullable: false),
                    Value = table.Column<short>(type: "smallint", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliberationVotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliberationVotes_DeliberationParticipants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "DeliberationParticipants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DeliberationVotes_DeliberationStatements_StatementId",
                        column: x => x.StatementId,
                        principalTable: "DeliberationStatements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DeliberationVotes_Deliberations_DeliberationId",
                        column: x => x.DeliberationId,
                        principalTable: "Deliberations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationEvents_ConsultationId",
                table: "ConsultationEvents",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationFiles_ConsultationId",
                table: "ConsultationFiles",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationFiles_RecommendationId",
                table: "ConsultationFiles",
                column: "RecommendationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationInviteLinks_ConsultationId",
                table: "ConsultationInviteLinks",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationInviteLinks_Token",
                table: "ConsultationInviteLinks",
                column: "Token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationParticipants_ConsultationId",
                table: "ConsultationParticipants",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationParticipants_InviteLinkId",
                table: "ConsultationParticipants",
                column: "InviteLinkId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlans_CommitteeId_Year",
                table: "ConsultationPlans",
                columns: new[] { "CommitteeId", "Year" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlans_CommitteePath_Year",
                table: "ConsultationPlans",
                columns: new[] { "CommitteePath", "Year" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlanTopics_LeadSpecialCommitteeId",
                table: "ConsultationPlanTopics",
                column: "LeadSpecialCommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationPlanTopics_PlanId",
                table: "ConsultationPlanTopics",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRecommendations_ConsultationId",
                table: "ConsultationRecommendations",
                column: "ConsultationId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_ActivityId",
                table: "Consultations",
                column: "ActivityId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_CommitteeId",
                table: "Consultations",
                column: "CommitteeId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_CommitteePath",
                table: "Consultations",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_HandlingUnitId",
                table: "Consultations",
                column: "HandlingUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_Consultations_PlanTopicId",
                table: "Consultations",
                column: "PlanTopicId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationInvitees_DeliberationId_UserId",
                table: "DeliberationInvitees",
                columns: new[] { "DeliberationId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationMaps_DeliberationId",
                table: "DeliberationMaps",
                column: "DeliberationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationParticipants_DeliberationId_AddressHash_Created~",
                table: "DeliberationParticipants",
                columns: new[] { "DeliberationId", "AddressHash", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationParticipants_DeliberationId_AnonymousKey",
                table: "DeliberationParticipants",
                columns: new[] { "DeliberationId", "AnonymousKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationParticipants_DeliberationId_UserId",
                table: "DeliberationParticipants",
                columns: new[] { "DeliberationId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Deliberations_CommitteePath",
                table: "Deliberations",
                column: "CommitteePath");

            migrationBuilder.CreateIndex(
                name: "IX_Deliberations_ConsultationId",
                table: "Deliberations",
                column: "ConsultationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Deliberations_InviteToken",
                table: "Deliberations",
                column: "InviteToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationStatements_AuthorParticipantId",
                table: "DeliberationStatements",
                column: "AuthorParticipantId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationStatements_DeliberationId_Status",
                table: "DeliberationStatements",
                columns: new[] { "DeliberationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationVotes_DeliberationId_UpdatedAt",
                table: "DeliberationVotes",
                columns: new[] { "DeliberationId", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationVotes_ParticipantId_StatementId",
                table: "DeliberationVotes",
                columns: new[] { "ParticipantId", "StatementId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliberationVotes_StatementId",
                table: "DeliberationVotes",
                column: "StatementId");

            migrationBuilder.CreateIndex(
                name: "IX_RecommendationInstructions_RecommendationId",
                table: "RecommendationInstructions",
                column: "RecommendationId");

            migrationBuilder.CreateIndex(
                name: "IX_RecommendationMilestones_RecommendationId",
                table: "RecommendationMilestones",
                column: "RecommendationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConsultationEvents");

            migrationBuilder.DropTable(
                name: "ConsultationFiles");

            migrationBuilder.DropTable(
                name: "ConsultationParticipants");

            migrationBuilder.DropTable(
                name: "DeliberationInvitees");

            migrationBuilder.DropTable(
                name: "DeliberationMaps");

            migrationBuilder.DropTable(
                name: "DeliberationVotes");

            migrationBuilder.DropTable(
                name: "RecommendationInstructions");

            migrationBuilder.DropTable(
                name: "RecommendationMilestones");

            migrationBuilder.DropTable(
                name: "ConsultationInviteLinks");

            migrationBuilder.DropTable(
                name: "DeliberationStatements");

            migrationBuilder.DropTable(
                name: "ConsultationRecommendations");

            migrationBuilder.DropTable(
                name: "DeliberationParticipants");

            migrationBuilder.DropTable(
                name: "Deliberations");

            migrationBuilder.DropTable(
                name: "Consultations");

            migrationBuilder.DropTable(
                name: "ConsultationPlanTopics");

            migrationBuilder.DropTable(
                name: "ConsultationPlans");
        }
    }
}
